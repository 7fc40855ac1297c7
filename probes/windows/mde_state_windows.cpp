#include "probes/windows/mde_state_windows.h"

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "platform/registry.h"
#include "platform/service_manager.h"
#include "platform/text.h"

namespace preflight {
namespace {

using Json = nlohmann::json;

// Ids, GUIDs and paths are short; 4 KiB bounds a hostile value.
constexpr std::size_t kMaxStringBytes = 4096;
// The Uninstall key holds one subkey per installed product: hundreds on a busy server.
constexpr std::size_t kMaxUninstallEntries = 8192;
constexpr const char* kUninstallKey = "SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall";
// The legacy Microsoft Monitoring Agent (reference/windows.md §1.4).
constexpr const char* kMmaServiceKey = "SYSTEM\\CurrentControlSet\\Services\\HealthService";
// FILETIME ticks between 1601-01-01 and 1970-01-01.
constexpr std::uint64_t kEpochDifferenceTicks = 116444736000000000ULL;

using TimePoint = std::chrono::system_clock::time_point;

Json OrNull(const std::string& value) { return value.empty() ? Json() : Json(value); }

std::string ReadText(const Registry& registry, const char* key, const char* name,
                     std::vector<std::string>& notes) {
  const Result<std::string> value = registry.ReadString(key, name, kMaxStringBytes);
  if (value.Ok()) return value.Value();
  if (value.Err().kind != ErrorKind::kNotFound) notes.push_back(value.Err().message);
  return {};
}

std::optional<std::uint32_t> ReadFlag(const Registry& registry, const char* key, const char* name,
                                      std::vector<std::string>& notes) {
  const Result<std::uint32_t> value = registry.ReadDword(key, name);
  if (value.Ok()) return value.Value();
  if (value.Err().kind != ErrorKind::kNotFound) notes.push_back(value.Err().message);
  return std::nullopt;
}

// LastConnected is a FILETIME; the analyzer parses it as text, so both forms are accepted.
std::optional<std::uint64_t> ReadFiletime(const Registry& registry,
                                          std::vector<std::string>& notes) {
  const Result<std::uint64_t> qword = registry.ReadQword(kAtpStatusKey, "LastConnected");
  if (qword.Ok()) return qword.Value();
  if (qword.Err().kind == ErrorKind::kNotFound) return std::nullopt;
  const std::string text = ReadText(registry, kAtpStatusKey, "LastConnected", notes);
  if (text.empty() || text.size() > 19 || !std::all_of(text.begin(), text.end(), IsDigit)) {
    notes.push_back("LastConnected is neither a QWORD nor a number: " + qword.Err().message);
    return std::nullopt;
  }
  return std::stoull(text);
}

struct UnifiedAgent {
  bool found = false;
  std::string name;
  std::string version;
};

// md4ws.msi registers as "Microsoft Defender for Endpoint" (formerly "... for Windows Server") in
// Add/Remove Programs (mdefordownlevelserver Install.ps1 L1017; MDEClientAnalyzer.ps1 L2608).
UnifiedAgent FindUnifiedAgent(const Registry& registry, std::vector<std::string>& notes) {
  UnifiedAgent agent;
  const Result<RegistryNames> keys =
      registry.ListSubkeys(kUninstallKey, kMaxUninstallEntries, RegistryView::k64);
  if (!keys.Ok()) {
    if (keys.Err().kind != ErrorKind::kNotFound) notes.push_back(keys.Err().message);
    return agent;
  }
  for (const std::string& key : keys.Value().names) {
    const std::string path = std::string(kUninstallKey) + "\\" + key;
    const Result<std::string> name = registry.ReadString(path, "DisplayName", kMaxStringBytes);
    if (!name.Ok()) continue;
    const std::string lower = ToLower(name.Value());
    if (lower.rfind("microsoft defender for windows server", 0) == 0 ||
        lower.rfind("microsoft defender for endpoint", 0) == 0) {
      agent.found = true;
      agent.name = name.Value();
      agent.version = registry.ReadString(path, "DisplayVersion", kMaxStringBytes).ValueOr("");
      return agent;
    }
  }
  return agent;
}

WindowsMdeFacts GatherWindowsMde(const Context& ctx) {
  WindowsMdeFacts facts;
  const Registry& registry = ctx.registry;
  std::vector<std::string>& notes = facts.notes;
  // The Sense service (MsSense.exe): inbox on 2019 and later, installed by md4ws.msi on 2012 R2 /
  // 2016 (configure-server-endpoints.md: "sc.exe query sense").
  if (ctx.services.Available()) {
    const Result<ServiceStatus> sense = ctx.services.Query("Sense");
    if (sense.Ok()) {
      facts.sense = sense.Value();
    } else {
      notes.push_back("cannot query the Sense service: " + sense.Err().message);
    }
  } else {
    notes.push_back("the service control manager is not available");
  }
  const UnifiedAgent unified = FindUnifiedAgent(registry, notes);
  facts.unified_agent = unified.found;
  facts.unified_agent_name = unified.name;
  facts.unified_agent_version = unified.version;
  const Result<bool> atp_key = registry.KeyExists(kAtpKey);
  if (atp_key.Ok()) facts.atp_key = atp_key.Value();
  facts.sense_id = ReadText(registry, kAtpKey, "SenseId", notes);
  facts.install_location = ReadText(registry, kAtpKey, "InstallLocation", notes);
  facts.onboarding_state = ReadFlag(registry, kAtpStatusKey, "OnboardingState", notes);
  facts.org_id = ReadText(registry, kAtpStatusKey, "OrgId", notes);
  facts.last_connected = ReadFiletime(registry, notes);
  const Result<bool> status_key = registry.KeyExists(kAtpStatusKey);
  if (status_key.Ok()) facts.status_key = status_key.Value();
  // The legacy MMA path (HealthService) on 2012 R2 / 2016 before the unified agent.
  facts.mma = registry.KeyExists(kMmaServiceKey).ValueOr(false);
  // Passive mode as the analyzer reads it (MDEClientAnalyzer.ps1 L2772-2780).
  facts.force_passive = ReadFlag(registry, kDefenderKey, "ForcePassiveMode", notes);
  facts.passive = ReadFlag(registry, kDefenderKey, "PassiveMode", notes);
  return facts;
}

void AddEvidence(const WindowsMdeFacts& facts, const std::optional<TimePoint>& last_time,
                 MdeState& state) {
  if (facts.sense) {
    state.evidence["sense_service"] = {{"state", state.service_state},
                                       {"detail", facts.sense->detail}};
  }
  if (facts.unified_agent) {
    state.evidence["unified_agent"] = {{"name", facts.unified_agent_name},
                                       {"version", OrNull(facts.unified_agent_version)}};
  }
  state.evidence["atp"] = {
      {"key", facts.atp_key.value_or(false)},
      {"onboarding_state", facts.onboarding_state ? Json(*facts.onboarding_state) : Json()},
      {"org_id", OrNull(facts.org_id)},
      {"sense_id", OrNull(facts.sense_id)},
      {"install_location", OrNull(facts.install_location)},
      {"last_connected", last_time ? Json(FormatUtc(*last_time)) : Json()}};
  state.evidence["mma"] = facts.mma;
}

std::optional<bool> Installed(const WindowsMdeFacts& facts) {
  if (facts.sense) return facts.sense->state != ServiceState::kNotFound || facts.unified_agent;
  if (facts.unified_agent || !facts.install_location.empty()) return true;
  if (facts.atp_key == false) return false;
  return std::nullopt;
}

// troubleshoot-onboarding.md: the onboarding script's error 40 is "SENSE service onboarding status
// isn't set to 1".
std::optional<bool> Onboarded(const WindowsMdeFacts& facts, const MdeState& state) {
  if (facts.onboarding_state) return *facts.onboarding_state == 1;
  if (facts.status_key == false || state.installed == false) return false;
  return std::nullopt;
}

// Sense must run and have connected within kMaxSilence; judged only once onboarded.
void JudgeHealth(const WindowsMdeFacts& facts, const std::optional<TimePoint>& last_time,
                 TimePoint now, MdeState& state) {
  if (state.service_state.empty()) {
    state.notes.push_back("whether Sense runs is unknown, so health is unknown");
    return;
  }
  if (facts.sense->state != ServiceState::kActive) {
    state.health_issues.push_back("the Sense service is " + state.service_state);
  }
  if (!last_time.has_value()) {
    state.health_issues.push_back("Sense has no record of connecting to the MDE service");
  } else if (now - *last_time > kMaxSilence) {
    const auto hours = std::chrono::duration_cast<std::chrono::hours>(now - *last_time).count();
    state.health_issues.push_back("Sense last connected " + std::to_string(hours / 24) +
                                  " days ago (" + FormatUtc(*last_time) + ")");
  }
  state.healthy = state.health_issues.empty();
}

}  // namespace

std::optional<std::chrono::system_clock::time_point> FiletimeToTimePoint(std::uint64_t filetime) {
  // 9999-12-31 is 2650467743999999999 ticks; later values are garbage.
  if (filetime == 0 || filetime > 2650467743999999999ULL) return std::nullopt;
  const auto since_1970 =
      static_cast<std::int64_t>(filetime) - static_cast<std::int64_t>(kEpochDifferenceTicks);
  return std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(
          std::chrono::duration<std::int64_t, std::ratio<1, 10'000'000>>(since_1970)));
}

std::string FormatUtc(std::chrono::system_clock::time_point time) {
  using namespace std::chrono;
  const auto seconds = floor<std::chrono::seconds>(time);
  const auto day = floor<days>(seconds);
  const year_month_day date{day};
  const hh_mm_ss<std::chrono::seconds> clock{seconds - day};
  char text[32];
  std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02d:%02d:%02dZ", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                static_cast<int>(clock.hours().count()), static_cast<int>(clock.minutes().count()),
                static_cast<int>(clock.seconds().count()));
  return text;
}

MdeState EvaluateWindowsMdeState(const WindowsMdeFacts& facts, TimePoint now) {
  MdeState state;
  state.notes = facts.notes;
  if (facts.sense) state.service_state = ServiceStateName(facts.sense->state);
  if (facts.unified_agent) {
    state.package_version = facts.unified_agent_version;
    state.version = facts.unified_agent_version;
  }
  state.machine_id = facts.sense_id;
  state.org_id = facts.org_id;
  const auto last_time =
      facts.last_connected ? FiletimeToTimePoint(*facts.last_connected) : std::nullopt;
  AddEvidence(facts, last_time, state);
  if (facts.force_passive || facts.passive) {
    state.passive_mode = facts.force_passive.value_or(0) == 1 || facts.passive.value_or(0) == 1;
  }
  state.installed = Installed(facts);
  if (!state.installed) {
    state.notes.push_back("neither the Sense service nor MDE's registry keys could be read");
  }
  state.onboarded = Onboarded(facts, state);
  if (!state.onboarded) state.notes.push_back("the onboarding state could not be read");
  if (state.onboarded == true) JudgeHealth(facts, last_time, now, state);
  const bool sense_absent = facts.sense && facts.sense->state == ServiceState::kNotFound;
  if (facts.mma && sense_absent && !facts.unified_agent) {
    state.health_issues.push_back(
        "the Microsoft Monitoring Agent (HealthService) is present without the unified agent: the "
        "legacy MMA-based onboarding, which Defender for Cloud replaces with the unified agent");
  }
  return state;
}

MdeState ReadWindowsMdeState(const Context& ctx, TimePoint now) {
  return EvaluateWindowsMdeState(GatherWindowsMde(ctx), now);
}

const MdeState& WindowsMdeStateOf(const Context& ctx) {
  return ctx.facts.mde.Get([&] { return ReadWindowsMdeState(ctx, ctx.clock.WallNow()); });
}

}  // namespace preflight

#include "probes/windows/windows_mde_state.h"

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

MdeState ReadWindowsMdeState(const Context& ctx, std::chrono::system_clock::time_point now) {
  MdeState state;
  const Registry& registry = ctx.registry;
  std::vector<std::string>& notes = state.notes;

  // The Sense service (MsSense.exe): inbox on 2019 and later, installed by md4ws.msi on 2012 R2 /
  // 2016 (configure-server-endpoints.md: "sc.exe query sense").
  std::optional<bool> sense_present;
  bool sense_running = false;
  if (ctx.services.Available()) {
    const Result<ServiceStatus> sense = ctx.services.Query("Sense");
    if (sense.Ok()) {
      state.service_state = ServiceStateName(sense.Value().state);
      sense_present = sense.Value().state != ServiceState::kNotFound;
      sense_running = sense.Value().state == ServiceState::kActive;
      state.evidence["sense_service"] = {{"state", state.service_state},
                                         {"detail", sense.Value().detail}};
    } else {
      notes.push_back("cannot query the Sense service: " + sense.Err().message);
    }
  } else {
    notes.push_back("the service control manager is not available");
  }

  const UnifiedAgent unified = FindUnifiedAgent(registry, notes);
  if (unified.found) {
    state.package_version = unified.version;
    state.version = unified.version;
    state.evidence["unified_agent"] = {{"name", unified.name},
                                       {"version", OrNull(unified.version)}};
  }

  const Result<bool> atp_key = registry.KeyExists(kAtpKey);
  state.machine_id = ReadText(registry, kAtpKey, "SenseId", notes);
  const std::string install_location = ReadText(registry, kAtpKey, "InstallLocation", notes);
  const std::optional<std::uint32_t> onboarding =
      ReadFlag(registry, kAtpStatusKey, "OnboardingState", notes);
  state.org_id = ReadText(registry, kAtpStatusKey, "OrgId", notes);
  const std::optional<std::uint64_t> last_connected = ReadFiletime(registry, notes);
  const auto last_time = last_connected ? FiletimeToTimePoint(*last_connected) : std::nullopt;
  state.evidence["atp"] = {{"key", atp_key.ValueOr(false)},
                           {"onboarding_state", onboarding ? Json(*onboarding) : Json()},
                           {"org_id", OrNull(state.org_id)},
                           {"sense_id", OrNull(state.machine_id)},
                           {"install_location", OrNull(install_location)},
                           {"last_connected", last_time ? Json(FormatUtc(*last_time)) : Json()}};

  // The legacy MMA path (HealthService) on 2012 R2 / 2016 before the unified agent.
  const bool mma = registry.KeyExists(kMmaServiceKey).ValueOr(false);
  state.evidence["mma"] = mma;

  // Passive mode as the analyzer reads it (MDEClientAnalyzer.ps1 L2772-2780).
  const auto forced = ReadFlag(registry, kDefenderKey, "ForcePassiveMode", notes);
  const auto passive = ReadFlag(registry, kDefenderKey, "PassiveMode", notes);
  if (forced || passive) state.passive_mode = forced.value_or(0) == 1 || passive.value_or(0) == 1;

  if (sense_present) {
    state.installed = *sense_present || unified.found;
  } else if (unified.found || !install_location.empty()) {
    state.installed = true;
  } else if (atp_key.Ok() && !atp_key.Value()) {
    state.installed = false;
  }
  if (!state.installed)
    notes.push_back("neither the Sense service nor MDE's registry keys could be read");

  // troubleshoot-onboarding.md: the onboarding script's error 40 is "SENSE service onboarding
  // status isn't set to 1".
  if (onboarding) {
    state.onboarded = *onboarding == 1;
  } else if (!registry.KeyExists(kAtpStatusKey).ValueOr(true)) {
    state.onboarded = false;
  } else if (state.installed == false) {
    state.onboarded = false;
  } else {
    notes.push_back("the onboarding state could not be read");
  }

  if (state.onboarded == true) {
    if (state.service_state.empty()) {
      notes.push_back("whether Sense runs is unknown, so health is unknown");
    } else {
      if (!sense_running)
        state.health_issues.push_back("the Sense service is " + state.service_state);
      if (!last_time.has_value()) {
        state.health_issues.push_back("Sense has no record of connecting to the MDE service");
      } else {
        const std::chrono::system_clock::time_point when = last_time.value();
        if (now - when > kMaxSilence) {
          const auto hours = std::chrono::duration_cast<std::chrono::hours>(now - when).count();
          state.health_issues.push_back("Sense last connected " + std::to_string(hours / 24) +
                                        " days ago (" + FormatUtc(when) + ")");
        }
      }
      state.healthy = state.health_issues.empty();
    }
  }
  if (mma && sense_present == false && !unified.found) {
    state.health_issues.push_back(
        "the Microsoft Monitoring Agent (HealthService) is present without the unified agent: the "
        "legacy MMA-based onboarding, which Defender for Cloud replaces with the unified agent");
  }
  return state;
}

const MdeState& WindowsMdeStateOf(const Context& ctx) {
  return ctx.facts.mde.Get([&] { return ReadWindowsMdeState(ctx, ctx.clock.WallNow()); });
}

}  // namespace preflight

// The decision functions of the Windows checks over plain facts: one table per check, no registry,
// service manager or fixture tree. Built into preflight_unit_tests on Linux and on Windows (Wine).

#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "probes/windows/defender_av_check.h"
#include "probes/windows/mde_state_windows.h"
#include "probes/windows/minifilters_check.h"
#include "probes/windows/prerequisites_check.h"

namespace preflight::testing {
namespace {

using Flag = std::optional<std::uint32_t>;

ServiceStatus Service(ServiceState state) { return ServiceStatus{state, ""}; }

TEST(EvaluateDefenderAv, Table) {
  struct Row {
    const char* name;
    Flag anti_spyware;
    Flag realtime;
    Flag force_policy;
    Flag forced;
    Flag passive;
    std::optional<ServiceState> windefend;
    std::optional<std::uint32_t> build;
    DefenderAvFinding finding;
    Status status;
    const char* mode;
  };
  const Row rows[] = {
      {"active",
       {},
       {},
       {},
       {},
       {},
       ServiceState::kActive,
       17763U,
       DefenderAvFinding::kRunning,
       Status::kPass,
       "active"},
      {"starting",
       {},
       {},
       {},
       {},
       {},
       ServiceState::kActivating,
       17763U,
       DefenderAvFinding::kRunning,
       Status::kPass,
       "active"},
      {"passive",
       {},
       {},
       {},
       {},
       1U,
       ServiceState::kActive,
       17763U,
       DefenderAvFinding::kRunning,
       Status::kPass,
       "passive"},
      {"forced passive",
       {},
       {},
       {},
       1U,
       1U,
       ServiceState::kActive,
       17763U,
       DefenderAvFinding::kRunning,
       Status::kPass,
       "passive (forced)"},
      {"PassiveMode=0 is active",
       {},
       {},
       {},
       {},
       0U,
       ServiceState::kActive,
       17763U,
       DefenderAvFinding::kRunning,
       Status::kPass,
       "active"},
      // The policy wins over every service state, even an unknown one.
      {"turned off",
       1U,
       {},
       {},
       {},
       {},
       std::nullopt,
       17763U,
       DefenderAvFinding::kTurnedOffByPolicy,
       Status::kFail,
       "active"},
      {"state unknown",
       {},
       {},
       {},
       {},
       {},
       std::nullopt,
       17763U,
       DefenderAvFinding::kStateUnknown,
       Status::kWarn,
       "active"},
      {"not installed",
       {},
       {},
       {},
       {},
       {},
       ServiceState::kNotFound,
       17763U,
       DefenderAvFinding::kNotInstalled,
       Status::kFail,
       "active"},
      {"not installed, 2012 R2",
       {},
       {},
       {},
       {},
       {},
       ServiceState::kNotFound,
       9600U,
       DefenderAvFinding::kNotInstalled,
       Status::kWarn,
       "active"},
      {"not installed, build unknown",
       {},
       {},
       {},
       {},
       {},
       ServiceState::kNotFound,
       std::nullopt,
       DefenderAvFinding::kNotInstalled,
       Status::kFail,
       "active"},
      {"stopped",
       {},
       {},
       {},
       {},
       {},
       ServiceState::kInactive,
       17763U,
       DefenderAvFinding::kNotRunning,
       Status::kFail,
       "active"},
      {"failed",
       {},
       {},
       {},
       {},
       1U,
       ServiceState::kFailed,
       17763U,
       DefenderAvFinding::kNotRunning,
       Status::kFail,
       "passive"},
      {"passive by policy, still active",
       {},
       {},
       1U,
       {},
       {},
       ServiceState::kActive,
       17763U,
       DefenderAvFinding::kPassivePending,
       Status::kWarn,
       "active"},
      {"passive by policy, passive",
       {},
       {},
       1U,
       {},
       1U,
       ServiceState::kActive,
       17763U,
       DefenderAvFinding::kRunning,
       Status::kPass,
       "passive"},
      {"real-time off",
       {},
       1U,
       {},
       {},
       {},
       ServiceState::kActive,
       17763U,
       DefenderAvFinding::kRealTimeOff,
       Status::kWarn,
       "active"},
  };
  for (const Row& row : rows) {
    DefenderAvFacts facts;
    facts.disable_anti_spyware = row.anti_spyware;
    facts.disable_realtime = row.realtime;
    facts.force_passive_policy = row.force_policy;
    facts.force_passive = row.forced;
    facts.passive = row.passive;
    if (row.windefend) facts.windefend = Service(*row.windefend);
    facts.build = row.build;
    const DefenderAvVerdict verdict = EvaluateDefenderAv(facts);
    EXPECT_EQ(verdict.finding, row.finding) << row.name;
    EXPECT_EQ(verdict.status, row.status) << row.name;
    EXPECT_EQ(verdict.mode, row.mode) << row.name;
  }
}

TEST(EvaluateDefenderAv, NamesEveryPolicyThatTurnsDefenderOff) {
  DefenderAvFacts facts;
  facts.disable_anti_spyware = 1U;
  facts.disable_anti_virus = 2U;
  facts.windefend = Service(ServiceState::kActive);
  EXPECT_EQ(EvaluateDefenderAv(facts).turned_off,
            (std::vector<std::string>{"DisableAntiSpyware", "DisableAntiVirus"}));
  facts.disable_anti_spyware = 0U;
  facts.disable_anti_virus = std::nullopt;
  EXPECT_EQ(EvaluateDefenderAv(facts).finding, DefenderAvFinding::kRunning);
}

TEST(EvaluateMinifilters, Table) {
  MinifilterCatalog catalog;
  catalog.drivers = {
      {"WdFilter", "Microsoft", "Defender Antivirus", FilterRole::kMde, "", std::nullopt},
      {"SRTSP64", "Broadcom", "Symantec Endpoint Protection", FilterRole::kAntivirus, "",
       std::nullopt},
      {"SentinelMonitor", "SentinelOne", "Singularity", FilterRole::kEdr, "", std::nullopt}};
  struct Row {
    const char* name;
    std::vector<Minifilter> filters;
    bool defender_passive;
    bool passive_by_policy;
    MinifiltersFinding finding;
    Status status;
  };
  const Minifilter wd{"WdFilter", "328010"};
  const Minifilter fileinfo{"FileInfo", "45000"};
  const Minifilter symantec{"SRTSP64", "329000"};
  const Minifilter unknown_av{"unknownav", "324100"};
  const Minifilter sentinel{"SentinelMonitor", "389040"};
  const Row rows[] = {
      {"nothing", {}, false, false, MinifiltersFinding::kNoneListed, Status::kWarn},
      {"Microsoft only", {wd, fileinfo}, false, false, MinifiltersFinding::kClean, Status::kPass},
      {"catalog AV", {wd, symantec}, false, false, MinifiltersFinding::kConflict, Status::kFail},
      {"AV by altitude", {unknown_av}, false, false, MinifiltersFinding::kConflict, Status::kFail},
      {"AV, Defender passive",
       {wd, symantec},
       true,
       false,
       MinifiltersFinding::kConflictPassive,
       Status::kWarn},
      {"AV, passive by policy",
       {symantec},
       false,
       true,
       MinifiltersFinding::kConflictPassive,
       Status::kWarn},
      {"EDR", {wd, sentinel}, false, false, MinifiltersFinding::kOtherEdr, Status::kWarn},
      // An anti-virus conflict outranks an EDR next to it.
      {"AV and EDR",
       {sentinel, symantec},
       false,
       false,
       MinifiltersFinding::kConflict,
       Status::kFail},
      // Passive mode matters only next to another anti-virus.
      {"Microsoft only, passive", {wd}, true, true, MinifiltersFinding::kClean, Status::kPass},
  };
  for (const Row& row : rows) {
    MinifiltersFacts facts;
    facts.filters = row.filters;
    facts.source = "filter_manager";
    facts.defender_passive = row.defender_passive;
    facts.passive_by_policy = row.passive_by_policy;
    const MinifiltersVerdict verdict = EvaluateMinifilters(catalog, facts);
    EXPECT_EQ(verdict.finding, row.finding) << row.name;
    EXPECT_EQ(verdict.status, row.status) << row.name;
    EXPECT_EQ(verdict.filters.size(), row.filters.size()) << row.name;
  }
}

TEST(EvaluateMinifilters, EachFilterOnceWithItsCatalogEntryAndGroup) {
  MinifilterCatalog catalog;
  catalog.drivers = {
      {"WdFilter", "Microsoft", "Defender Antivirus", FilterRole::kMde, "", std::nullopt}};
  MinifiltersFacts facts;
  facts.filters = {{"WdFilter", "328010"}, {"wdfilter", "328010"}, {"NoAltitude", ""}};
  const MinifiltersVerdict verdict = EvaluateMinifilters(catalog, facts);
  ASSERT_EQ(verdict.filters.size(), 2U);
  EXPECT_EQ(verdict.filters[0].classification, Classification::kMde);
  EXPECT_EQ(verdict.filters[0].driver, &catalog.drivers[0]);
  EXPECT_EQ(verdict.filters[0].group, "FSFilter Anti-Virus");
  EXPECT_EQ(verdict.filters[1].driver, nullptr);
  EXPECT_FALSE(verdict.filters[1].group.has_value());
  EXPECT_EQ(verdict.filters[1].classification, Classification::kAllowed);
}

// 2024-05-01T12:00:00Z and a FILETIME `seconds` before it.
constexpr std::int64_t kNowUnix = 1714564800;
std::uint64_t FiletimeBefore(std::int64_t seconds) {
  return static_cast<std::uint64_t>(kNowUnix - seconds) * 10'000'000ULL + 116444736000000000ULL;
}

TEST(EvaluateWindowsMdeState, Table) {
  const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(kNowUnix));
  using Opt = std::optional<bool>;
  struct Row {
    const char* name;
    std::optional<ServiceState> sense;
    bool unified;
    std::optional<bool> atp_key;
    const char* install_location;
    std::optional<std::uint32_t> onboarding;
    std::optional<bool> status_key;
    std::optional<std::uint64_t> last_connected;
    bool mma;
    Opt installed;
    Opt onboarded;
    Opt healthy;
    std::size_t health_issues;
  };
  const Row rows[] = {
      {"onboarded and healthy", ServiceState::kActive, false, true, "C:\\ATP", 1U, true,
       FiletimeBefore(3600), false, true, true, true, 0},
      {"silent for 30 days", ServiceState::kActive, false, true, "C:\\ATP", 1U, true,
       FiletimeBefore(30 * 24 * 3600), false, true, true, false, 1},
      {"7 days is not yet silent", ServiceState::kActive, false, true, "", 1U, true,
       FiletimeBefore(7 * 24 * 3600), false, true, true, true, 0},
      {"Sense stopped, never connected", ServiceState::kInactive, false, true, "", 1U, true,
       std::nullopt, false, true, true, false, 2},
      {"installed, not onboarded", ServiceState::kInactive, false, true, "", 0U, true, std::nullopt,
       false, true, false, std::nullopt, 0},
      // No Sense service: the unified agent or the install location still say installed.
      {"unified agent only", ServiceState::kNotFound, true, false, "", std::nullopt, false,
       std::nullopt, false, true, false, std::nullopt, 0},
      {"nothing", ServiceState::kNotFound, false, false, "", std::nullopt, false, std::nullopt,
       false, false, false, std::nullopt, 0},
      {"legacy MMA", ServiceState::kNotFound, false, false, "", std::nullopt, false, std::nullopt,
       true, false, false, std::nullopt, 1},
      // Without the service manager: the registry decides what it can.
      {"no SCM, install location", std::nullopt, false, true, "C:\\ATP", 1U, true,
       FiletimeBefore(60), false, true, true, std::nullopt, 0},
      {"no SCM, no ATP key", std::nullopt, false, false, "", std::nullopt, false, std::nullopt,
       false, false, false, std::nullopt, 0},
      {"nothing readable", std::nullopt, false, std::nullopt, "", std::nullopt, std::nullopt,
       std::nullopt, false, std::nullopt, std::nullopt, std::nullopt, 0},
  };
  for (const Row& row : rows) {
    WindowsMdeFacts facts;
    if (row.sense) facts.sense = Service(*row.sense);
    facts.unified_agent = row.unified;
    facts.atp_key = row.atp_key;
    facts.install_location = row.install_location;
    facts.onboarding_state = row.onboarding;
    facts.status_key = row.status_key;
    facts.last_connected = row.last_connected;
    facts.mma = row.mma;
    const MdeState state = EvaluateWindowsMdeState(facts, now);
    EXPECT_EQ(state.installed, row.installed) << row.name;
    EXPECT_EQ(state.onboarded, row.onboarded) << row.name;
    EXPECT_EQ(state.healthy, row.healthy) << row.name;
    EXPECT_EQ(state.health_issues.size(), row.health_issues) << row.name;
  }
}

TEST(EvaluateWindowsMdeState, PassiveModeAndIdentity) {
  WindowsMdeFacts facts;
  facts.unified_agent = true;
  facts.unified_agent_version = "10.8760.26100.1";
  facts.sense_id = "0123";
  facts.org_id = "00000000-aaaa-bbbb-cccc-000000000001";
  facts.notes = {"a value could not be read"};
  MdeState state = EvaluateWindowsMdeState(facts, std::chrono::system_clock::now());
  EXPECT_FALSE(state.passive_mode.has_value());
  EXPECT_EQ(state.version, "10.8760.26100.1");
  EXPECT_EQ(state.package_version, "10.8760.26100.1");
  EXPECT_EQ(state.machine_id, "0123");
  EXPECT_EQ(state.org_id, "00000000-aaaa-bbbb-cccc-000000000001");
  EXPECT_EQ(state.notes.front(), "a value could not be read");
  facts.passive = 0U;
  EXPECT_EQ(EvaluateWindowsMdeState(facts, {}).passive_mode, false);
  facts.force_passive = 1U;
  EXPECT_EQ(EvaluateWindowsMdeState(facts, {}).passive_mode, true);
}

WindowsVersion Version(std::uint32_t build, std::optional<std::uint32_t> ubr) {
  WindowsVersion version;
  version.product_name = "Windows Server Datacenter";
  version.build = build;
  version.ubr = ubr;
  version.edition_id = "ServerDatacenter";
  version.installation_type = "Server";
  return version;
}

std::vector<PrerequisiteIssue> Issues(const PrerequisitesVerdict& verdict, Status status) {
  std::vector<PrerequisiteIssue> issues;
  for (const PrerequisiteFinding& f : verdict.findings) {
    if (f.status == status) issues.push_back(f.issue);
  }
  return issues;
}

TEST(EvaluatePrerequisites, Table) {
  using I = PrerequisiteIssue;
  // A ready Server 2019, and a ready, patched Server 2012 R2.
  PrerequisitesFacts ready;
  ready.version = Version(17763, 5122);
  PrerequisitesFacts ready_2012 = ready;
  ready_2012.version = Version(9600, 0);
  ready_2012.packages_listed = true;
  ready_2012.kbs = {"KB2919442", "KB2919355"};
  ready_2012.ucrt = true;
  ready_2012.strong_crypto = 1U;
  struct Row {
    const char* name;
    PrerequisitesFacts facts;
    std::vector<I> failures;
    std::vector<I> warnings;
  };
  std::vector<Row> rows;
  rows.push_back({"ready 2019", ready, {}, {}});
  rows.push_back({"ready 2012 R2", ready_2012, {}, {}});
  Row row{"reboot pending", ready, {}, {I::kRebootPending}};
  row.facts.cbs_reboot_pending = true;
  rows.push_back(row);
  row = {"reboot pending on 2012 R2 stops md4ws.msi", ready_2012, {I::kRebootPending}, {}};
  row.facts.wu_reboot_required = true;
  rows.push_back(row);
  row = {"renames only", ready, {}, {I::kFileRenamesPending}};
  row.facts.pending_renames = 2;
  rows.push_back(row);
  row = {"renames behind a pending reboot", ready, {}, {I::kRebootPending}};
  row.facts.cbs_reboot_pending = true;
  row.facts.pending_renames = 2;
  rows.push_back(row);
  row = {"2016 before KB4457127", ready, {I::kUpdateLevelTooOld}, {}};
  row.facts.version = Version(14393, 2312);
  row.facts.strong_crypto = 1U;
  rows.push_back(row);
  row = {"2016 at KB4457127, weak .NET crypto", ready, {}, {I::kDotNetWeakCrypto}};
  row.facts.version = Version(14393, 2515);
  rows.push_back(row);
  row = {"2016 without UBR", ready, {}, {I::kUpdateLevelUnknown}};
  row.facts.version = Version(14393, std::nullopt);
  row.facts.strong_crypto = 1U;
  rows.push_back(row);
  row = {"2012 R2 at RTM", ready_2012, {I::kKb2919355Missing, I::kUcrtMissing}, {}};
  row.facts.kbs = {"KB2919442"};
  row.facts.ucrt = false;
  rows.push_back(row);
  row = {"2012 R2, a truncated package list", ready_2012, {}, {}};
  row.facts.kbs.clear();
  row.facts.packages_truncated = true;
  rows.push_back(row);
  row = {"2012 R2, packages unlisted", ready_2012, {}, {I::kUpdatesUnlisted}};
  row.facts.packages_listed = false;
  rows.push_back(row);
  row = {"TLS 1.2 off", ready, {I::kTls12Off}, {}};
  row.facts.tls12_enabled = 0U;
  rows.push_back(row);
  row = {"TLS 1.2 disabled by default", ready, {I::kTls12Off}, {}};
  row.facts.tls12_enabled = 1U;
  row.facts.tls12_disabled_by_default = 1U;
  rows.push_back(row);
  row = {"TLS 1.2 explicitly on", ready, {}, {}};
  row.facts.tls12_enabled = 1U;
  row.facts.tls12_disabled_by_default = 0U;
  rows.push_back(row);
  row = {"damaged WinHTTP setting", ready, {}, {I::kWinHttpUnreadable}};
  row.facts.winhttp = WinHttpProxy{};
  rows.push_back(row);
  for (const char* bad :
       {"http://proxy.corp.test:8080", "proxy.corp.test", "proxy:", "proxy:80a"}) {
    row = {bad, ready, {}, {I::kTelemetryProxyMalformed}};
    row.facts.telemetry_proxy = bad;
    rows.push_back(row);
  }
  row = {"telemetry proxy host:port", ready, {}, {}};
  row.facts.telemetry_proxy = "10.0.0.1:8080";
  rows.push_back(row);
  row = {"version unknown", ready, {}, {I::kVersionUnknown}};
  row.facts.version = WindowsVersion{};
  row.facts.version.error = "access denied";
  rows.push_back(row);
  for (const Row& r : rows) {
    const PrerequisitesVerdict verdict = EvaluatePrerequisites(r.facts);
    EXPECT_EQ(Issues(verdict, Status::kFail), r.failures) << r.name;
    EXPECT_EQ(Issues(verdict, Status::kWarn), r.warnings) << r.name;
    EXPECT_EQ(verdict.findings.size(), r.failures.size() + r.warnings.size()) << r.name;
  }
}

}  // namespace
}  // namespace preflight::testing

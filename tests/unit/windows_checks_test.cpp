#include <gtest/gtest.h>

#include <chrono>

#include "probes/azure/extension_local_check.h"
#include "probes/windows/defender_av_check.h"
#include "probes/windows/local_extension_windows.h"
#include "probes/windows/mde_handler_log.h"
#include "probes/windows/mde_install_check.h"
#include "probes/windows/mde_state_windows.h"
#include "probes/windows/prerequisites_check.h"
#include "probes/windows/windows_os_check.h"
#include "probes/windows/windows_version.h"
#include "probes/windows/winhttp_settings.h"
#include "tests/fakes/fake_platform.h"
#include "tests/unit/hostchecks_fixture.h"
#include "tests/unit/windows_scenarios.h"

// The Windows checks' logic over the fake registry and service manager, and fixture trees under
// tests/data/windows: built into preflight_unit_tests on Linux and on Windows (Wine).
namespace preflight::testing {
namespace {

std::int64_t NowUnix() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct World {
  FakeWorld world;
  FakeRegistryWriter writer{world.registry};
  Context Ctx() { return world.Ctx(); }
};

TEST(WindowsVersionClassification, Table) {
  struct Row {
    const char* product;
    std::uint32_t build;
    const char* edition;
    const char* type;
    WindowsSupport support;
    bool downlevel;
    const char* name_part;
  };
  const Row rows[] = {
      {"Windows Server 2012 R2 Standard", 9600, "ServerStandard", "Server",
       WindowsSupport::kSupported, true, "2012 R2"},
      {"Windows Server 2016 Datacenter", 14393, "ServerDatacenter", "Server Core",
       WindowsSupport::kSupported, true, "2016"},
      {"Windows Server 2019 Datacenter", 17763, "ServerDatacenter", "Server",
       WindowsSupport::kSupported, false, "2019"},
      {"Windows Server 2022 Datacenter: Azure Edition", 20348, "ServerDatacenterAzure", "Server",
       WindowsSupport::kSupported, false, "2022"},
      {"Windows Server 2025 Datacenter", 26100, "ServerDatacenter", "Server",
       WindowsSupport::kSupported, false, "2025"},
      {"Windows Server Datacenter", 19042, "ServerDatacenter", "Server Core",
       WindowsSupport::kSupported, false, "19042"},
      {"Windows Server 2012 Datacenter", 9200, "ServerDatacenter", "Server",
       WindowsSupport::kUnsupported, false, "9200"},
      {"Windows Server 2008 R2 Enterprise", 7601, "ServerEnterprise", "Server",
       WindowsSupport::kUnsupported, false, "7601"},
      {"Hyper-V Server 2019", 17763, "ServerHyperCore", "Server Core", WindowsSupport::kUnsupported,
       false, "Hyper-V"},
      {"Windows 10 Enterprise multi-session", 19045, "ServerRdsh", "Client",
       WindowsSupport::kSupported, false, "Windows 10 Enterprise multi-session"},
      {"Windows 10 Enterprise multi-session", 22631, "ServerRdsh", "Client",
       WindowsSupport::kSupported, false, "Windows 11 Enterprise multi-session"},
      {"Windows 10 Enterprise", 19045, "Enterprise", "Client", WindowsSupport::kUnsupported, false,
       "Windows 10"},
      {"Windows 10 Pro", 22631, "Professional", "Client", WindowsSupport::kUnsupported, false,
       "Windows 11"},
  };
  for (const Row& row : rows) {
    WindowsVersion version;
    version.product_name = row.product;
    version.build = row.build;
    version.edition_id = row.edition;
    version.installation_type = row.type;
    const WindowsRelease release = ClassifyWindows(version);
    EXPECT_EQ(release.support, row.support) << row.product << " " << row.build;
    EXPECT_EQ(release.downlevel, row.downlevel) << row.product;
    EXPECT_TRUE(Has(release.name, row.name_part)) << release.name;
    EXPECT_EQ(release.reason.empty(), row.support == WindowsSupport::kSupported) << row.product;
  }
  EXPECT_EQ(ClassifyWindows(WindowsVersion{}).support, WindowsSupport::kUnknown);
}

TEST(WindowsOsCheck, PassFailWarn) {
  World supported;
  PlantServer2019(supported.writer);
  CheckResult r = WindowsOsCheck().Run(supported.Ctx());
  EXPECT_EQ(r.status, Status::kPass) << r.summary;
  EXPECT_TRUE(Has(r.summary, "build 17763.5122")) << r.summary;
  EXPECT_EQ(r.evidence.at("edition_id"), "ServerDatacenter");

  World downlevel;
  PlantServer2012R2(downlevel.writer);
  r = WindowsOsCheck().Run(downlevel.Ctx());
  EXPECT_EQ(r.status, Status::kPass);
  EXPECT_TRUE(Has(r.summary, "unified agent")) << r.summary;

  for (auto plant : {&PlantWindows11Pro, &PlantHyperVServer}) {
    World unsupported;
    plant(unsupported.writer);
    r = WindowsOsCheck().Run(unsupported.Ctx());
    EXPECT_EQ(r.status, Status::kFail) << r.summary;
    EXPECT_TRUE(Has(r.remediation, "51")) << r.remediation;
  }

  World empty;
  r = WindowsOsCheck().Run(empty.Ctx());
  EXPECT_EQ(r.status, Status::kWarn) << r.summary;

  World denied;
  denied.world.registry.Deny(kTestCurrentVersion,
                             MakeError(ErrorKind::kPermission, "access denied"));
  r = WindowsOsCheck().Run(denied.Ctx());
  EXPECT_EQ(r.status, Status::kWarn);
  EXPECT_TRUE(Has(r.summary, "access denied")) << r.summary;
}

TEST(WindowsMdeState, FiletimeConversion) {
  EXPECT_FALSE(FiletimeToTimePoint(0).has_value());
  EXPECT_EQ(FormatUtc(*FiletimeToTimePoint(116444736000000000ULL)), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatUtc(*FiletimeToTimePoint(FiletimeOf(1714564800))), "2024-05-01T12:00:00Z");
  EXPECT_FALSE(FiletimeToTimePoint(~0ULL).has_value());
}

TEST(WindowsMdeInstallCheck, OnboardedAndHealthy) {
  World w;
  PlantServer2019(w.writer);
  PlantOnboarded(w.writer, NowUnix() - 3600);
  w.world.services.SetState("Sense", ServiceState::kActive);
  const CheckResult r = WindowsMdeInstallCheck().Run(w.Ctx());
  EXPECT_EQ(r.status, Status::kPass) << r.summary;
  const auto& mde = r.report.at("mde");
  EXPECT_EQ(mde.at("installed"), true);
  EXPECT_EQ(mde.at("onboarded"), true);
  EXPECT_EQ(mde.at("healthy"), true);
  EXPECT_EQ(mde.at("org_id"), "00000000-aaaa-bbbb-cccc-000000000001");
  EXPECT_EQ(mde.at("machine_id"), "0123456789abcdef0123456789abcdef01234567");
  EXPECT_TRUE(Has(r.summary, "00000000-aaaa-bbbb-cccc-000000000001")) << r.summary;
  // The Windows reading feeds the same memo the report's verdict reads.
  EXPECT_EQ(WindowsMdeStateOf(w.Ctx()).onboarded, true);
}

TEST(WindowsMdeInstallCheck, OnboardedButSilentOrStoppedFails) {
  World silent;
  PlantOnboarded(silent.writer, NowUnix() - 30 * 24 * 3600);
  silent.world.services.SetState("Sense", ServiceState::kActive);
  CheckResult r = WindowsMdeInstallCheck().Run(silent.Ctx());
  EXPECT_EQ(r.status, Status::kFail) << r.summary;
  EXPECT_TRUE(Has(r.summary, "last connected 30 days ago")) << r.summary;
  EXPECT_EQ(r.report.at("mde").at("healthy"), false);

  World stopped;
  PlantOnboarded(stopped.writer, NowUnix() - 60);
  stopped.world.services.SetState("Sense", ServiceState::kInactive);
  r = WindowsMdeInstallCheck().Run(stopped.Ctx());
  EXPECT_EQ(r.status, Status::kFail) << r.summary;
  EXPECT_TRUE(Has(r.summary, "Sense service is inactive")) << r.summary;
}

TEST(WindowsMdeInstallCheck, InstalledNotOnboardedWarns) {
  World w;
  PlantServer2019(w.writer);
  w.writer.Dword(kTestAtpStatus, "OnboardingState", 0);
  w.world.services.SetState("Sense", ServiceState::kInactive);
  const CheckResult r = WindowsMdeInstallCheck().Run(w.Ctx());
  EXPECT_EQ(r.status, Status::kWarn) << r.summary;
  EXPECT_TRUE(Has(r.summary, "not onboarded")) << r.summary;
  EXPECT_EQ(r.report.at("mde").at("onboarded"), false);
}

TEST(WindowsMdeInstallCheck, UnifiedAgentVersionFromAddRemovePrograms) {
  World w;
  PlantServer2016(w.writer, 7159);
  const std::string arp =
      "SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\{A1B2C3D4-0000-0000-0000-"
      "000000000000}";
  w.writer.String(arp, "DisplayName", "Microsoft Defender for Endpoint");
  w.writer.String(arp, "DisplayVersion", "10.8760.26100.1");
  PlantOnboarded(w.writer, NowUnix() - 60);
  w.world.services.SetState("Sense", ServiceState::kActive);
  const CheckResult r = WindowsMdeInstallCheck().Run(w.Ctx());
  EXPECT_EQ(r.status, Status::kPass) << r.summary;
  EXPECT_EQ(r.report.at("mde").at("version"), "10.8760.26100.1");
}

TEST(WindowsMdeInstallCheck, NotInstalledPassesAndLegacyMmaWarns) {
  World absent;
  PlantServer2016(absent.writer, 7159);
  CheckResult r = WindowsMdeInstallCheck().Run(absent.Ctx());
  EXPECT_EQ(r.status, Status::kPass) << r.summary;
  EXPECT_EQ(r.report.at("mde").at("installed"), false);

  World mma;
  PlantServer2016(mma.writer, 7159);
  mma.writer.String("SYSTEM\\CurrentControlSet\\Services\\HealthService", "ImagePath",
                    "\"C:\\Program Files\\Microsoft Monitoring Agent\\Agent\\HealthService.exe\"");
  mma.world.services.SetState("HealthService", ServiceState::kActive);
  r = WindowsMdeInstallCheck().Run(mma.Ctx());
  EXPECT_EQ(r.status, Status::kWarn) << r.summary;
  EXPECT_TRUE(Has(r.summary, "MMA")) << r.summary;
  EXPECT_TRUE(Has(r.remediation, "unified")) << r.remediation;
}

TEST(WindowsMdeInstallCheck, UnknownWithoutServiceManagerOrRegistry) {
  World w;
  w.world.services.SetAvailable(false);
  w.world.registry.Deny("SOFTWARE", MakeError(ErrorKind::kPermission, "access denied"));
  const CheckResult r = WindowsMdeInstallCheck().Run(w.Ctx());
  EXPECT_EQ(r.status, Status::kWarn) << r.summary;
  EXPECT_TRUE(r.report.at("mde").at("installed").is_null());
}

TEST(DefenderAvCheck, ModesAndPolicies) {
  World active;
  PlantServer2019(active.writer);
  active.world.services.SetState("WinDefend", ServiceState::kActive);
  CheckResult r = DefenderAvCheck().Run(active.Ctx());
  EXPECT_EQ(r.status, Status::kPass) << r.summary;
  EXPECT_TRUE(Has(r.summary, "active mode")) << r.summary;

  World passive;
  passive.writer.Dword(kTestDefender, "PassiveMode", 1);
  passive.world.services.SetState("WinDefend", ServiceState::kActive);
  r = DefenderAvCheck().Run(passive.Ctx());
  EXPECT_EQ(r.status, Status::kPass);
  EXPECT_TRUE(Has(r.summary, "passive mode")) << r.summary;

  World forced;
  forced.writer.Dword(kTestDefender, "ForcePassiveMode", 1);
  forced.world.services.SetState("WinDefend", ServiceState::kActive);
  r = DefenderAvCheck().Run(forced.Ctx());
  EXPECT_TRUE(Has(r.summary, "passive (forced)")) << r.summary;

  World pending;
  pending.writer.Dword(kTestAtpPolicy, "ForceDefenderPassiveMode", 1);
  pending.world.services.SetState("WinDefend", ServiceState::kActive);
  r = DefenderAvCheck().Run(pending.Ctx());
  EXPECT_EQ(r.status, Status::kWarn) << r.summary;
  EXPECT_TRUE(Has(r.summary, "ForceDefenderPassiveMode")) << r.summary;

  World realtime;
  realtime.writer.Dword(std::string(kTestDefenderPolicy) + "\\Real-Time Protection",
                        "DisableRealtimeMonitoring", 1);
  realtime.world.services.SetState("WinDefend", ServiceState::kActive);
  r = DefenderAvCheck().Run(realtime.Ctx());
  EXPECT_EQ(r.status, Status::kWarn) << r.summary;
}

TEST(DefenderAvCheck, PoliciesAndServiceStatesThatFail) {
  World disabled;
  disabled.writer.Dword(kTestDefenderPolicy, "DisableAntiSpyware", 1);
  disabled.world.services.SetState("WinDefend", ServiceState::kActive);
  CheckResult r = DefenderAvCheck().Run(disabled.Ctx());
  EXPECT_EQ(r.status, Status::kFail) << r.summary;
  EXPECT_TRUE(Has(r.summary, "DisableAntiSpyware")) << r.summary;
  EXPECT_TRUE(Has(r.summary, "error 39")) << r.summary;

  World missing;
  PlantServer2019(missing.writer);
  r = DefenderAvCheck().Run(missing.Ctx());
  EXPECT_EQ(r.status, Status::kFail) << r.summary;
  EXPECT_TRUE(Has(r.remediation, "Install-WindowsFeature")) << r.remediation;

  World missing_2012;
  PlantServer2012R2(missing_2012.writer);
  r = DefenderAvCheck().Run(missing_2012.Ctx());
  EXPECT_EQ(r.status, Status::kWarn) << r.summary;

  World stopped;
  stopped.world.services.SetState("WinDefend", ServiceState::kInactive);
  r = DefenderAvCheck().Run(stopped.Ctx());
  EXPECT_EQ(r.status, Status::kFail) << r.summary;

  World no_scm;
  no_scm.world.services.SetAvailable(false);
  r = DefenderAvCheck().Run(no_scm.Ctx());
  EXPECT_EQ(r.status, Status::kWarn) << r.summary;
}

TEST(WinHttpSettings, ParsesDirectProxyAndRejectsDamage) {
  WinHttpProxy direct = ParseWinHttpSettings(WinHttpSettingsBytes(1, "", ""));
  EXPECT_TRUE(direct.valid) << direct.error;
  EXPECT_TRUE(direct.Direct());
  // netsh's own direct value: 20 bytes.
  direct = ParseWinHttpSettings(std::string("\x18\0\0\0\0\0\0\0\x01\0\0\0\0\0\0\0\0\0\0\0", 20));
  EXPECT_TRUE(direct.valid && direct.Direct()) << direct.error;

  const WinHttpProxy proxy =
      ParseWinHttpSettings(WinHttpSettingsBytes(3, "proxy.corp.test:8080", "<local>;*.corp.test"));
  ASSERT_TRUE(proxy.valid) << proxy.error;
  EXPECT_EQ(proxy.proxy, "proxy.corp.test:8080");
  EXPECT_EQ(proxy.bypass, "<local>;*.corp.test");

  // Flag 2 off: a remembered list that is not used.
  EXPECT_TRUE(ParseWinHttpSettings(WinHttpSettingsBytes(1, "old:1", "")).Direct());

  const std::string good = WinHttpSettingsBytes(3, "proxy:8080", "");
  for (std::size_t cut : {0UL, 8UL, 13UL, 20UL}) {
    EXPECT_FALSE(ParseWinHttpSettings(good.substr(0, cut)).valid) << cut;
  }
  std::string huge = good;
  huge[12] = '\xFF';
  huge[13] = '\xFF';
  EXPECT_FALSE(ParseWinHttpSettings(huge).valid);
}

TEST(PrerequisitesCheck, ReadyServer2019Passes) {
  World w;
  PlantServer2019(w.writer);
  w.writer.Binary("SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Internet Settings\\Connections",
                  "WinHttpSettings", WinHttpSettingsBytes(3, "proxy.corp.test:8080", "<local>"));
  w.writer.String("SOFTWARE\\Policies\\Microsoft\\Windows\\DataCollection", "TelemetryProxyServer",
                  "proxy.corp.test:8080");
  const CheckResult r = PrerequisitesCheck().Run(w.Ctx());
  EXPECT_EQ(r.status, Status::kPass) << r.summary;
  EXPECT_TRUE(Has(r.summary, "proxy.corp.test:8080")) << r.summary;
  EXPECT_EQ(r.evidence.at("proxy").at("telemetry_proxy_server"), "proxy.corp.test:8080");
}

TEST(PrerequisitesCheck, PendingRebootTlsAndProxyProblems) {
  World reboot;
  PlantServer2019(reboot.writer);
  reboot.writer.Key(
      "SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Component Based Servicing\\RebootPending");
  CheckResult r = PrerequisitesCheck().Run(reboot.Ctx());
  EXPECT_EQ(r.status, Status::kWarn) << r.summary;
  EXPECT_TRUE(Has(r.summary, "reboot is pending")) << r.summary;

  World renames;
  PlantServer2019(renames.writer);
  renames.writer.MultiString("SYSTEM\\CurrentControlSet\\Control\\Session Manager",
                             "PendingFileRenameOperations", {"\\??\\C:\\a.tmp", ""});
  r = PrerequisitesCheck().Run(renames.Ctx());
  EXPECT_EQ(r.status, Status::kWarn) << r.summary;
  EXPECT_TRUE(Has(r.summary, "PendingFileRenameOperations")) << r.summary;

  World tls;
  PlantServer2019(tls.writer);
  tls.writer.Dword(
      "SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.2\\Client",
      "Enabled", 0);
  r = PrerequisitesCheck().Run(tls.Ctx());
  EXPECT_EQ(r.status, Status::kFail) << r.summary;
  EXPECT_TRUE(Has(r.summary, "TLS 1.2")) << r.summary;

  World telemetry;
  PlantServer2019(telemetry.writer);
  telemetry.writer.String("SOFTWARE\\Policies\\Microsoft\\Windows\\DataCollection",
                          "TelemetryProxyServer", "http://proxy.corp.test");
  r = PrerequisitesCheck().Run(telemetry.Ctx());
  EXPECT_EQ(r.status, Status::kWarn) << r.summary;
  EXPECT_TRUE(Has(r.summary, "host:port")) << r.summary;

  World damaged;
  PlantServer2019(damaged.writer);
  damaged.writer.Binary(
      "SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Internet Settings\\Connections",
      "WinHttpSettings", "\x28\0\0");
  r = PrerequisitesCheck().Run(damaged.Ctx());
  EXPECT_EQ(r.status, Status::kWarn) << r.summary;
  EXPECT_TRUE(Has(r.summary, "WinHTTP")) << r.summary;
}

TEST(PrerequisitesCheck, DownlevelUpdateChain) {
  World old_2016;
  PlantServer2016(old_2016.writer, 2312);
  old_2016.writer.Dword("SOFTWARE\\Microsoft\\.NETFramework\\v4.0.30319", "SchUseStrongCrypto", 1);
  CheckResult r = PrerequisitesCheck().Run(old_2016.Ctx());
  EXPECT_EQ(r.status, Status::kFail) << r.summary;
  EXPECT_TRUE(Has(r.summary, "KB4457127")) << r.summary;

  World current_2016;
  PlantServer2016(current_2016.writer, 7159);
  r = PrerequisitesCheck().Run(current_2016.Ctx());
  EXPECT_EQ(r.status, Status::kWarn) << r.summary;  // SchUseStrongCrypto unset
  EXPECT_TRUE(Has(r.summary, "SchUseStrongCrypto")) << r.summary;

  World rtm_2012;
  PlantServer2012R2(rtm_2012.writer);
  rtm_2012.writer.Key(
      "SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Component Based Servicing\\Packages\\"
      "Package_for_KB2919442~31bf3856ad364e35~amd64~~6.3.1.1");
  rtm_2012.writer.Key(
      "SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Component Based Servicing\\RebootPending");
  r = PrerequisitesCheck().Run(rtm_2012.Ctx());
  EXPECT_EQ(r.status, Status::kFail) << r.summary;
  EXPECT_TRUE(Has(r.summary, "KB2919355")) << r.summary;
  EXPECT_TRUE(Has(r.summary, "KB2999226")) << r.summary;
  EXPECT_TRUE(Has(r.summary, "error 12")) << r.summary;
}

TEST(PrerequisitesCheck, Patched2012R2PassesOverAFixtureTree) {
  TreeWorld tree(std::string(PREFLIGHT_TEST_DATA) + "/windows/system32_ucrt");
  FakeRegistryWriter writer(tree.registry);
  PlantServer2012R2(writer);
  writer.Key(
      "SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Component Based Servicing\\Packages\\"
      "Package_for_KB2919355~31bf3856ad364e35~amd64~~6.3.1.14");
  writer.Dword("SOFTWARE\\Microsoft\\.NETFramework\\v4.0.30319", "SchUseStrongCrypto", 1);
  const CheckResult r = PrerequisitesCheck().Run(tree.Ctx());
  EXPECT_EQ(r.status, Status::kPass) << r.summary;
  EXPECT_EQ(r.evidence.at("updates").at("ucrt_KB2999226"), true);
}

TEST(MdeHandlerLog, LastErrorAndCode) {
  const HandlerLogSummary log = ParseMdeHandlerLog(
      "x [Error] first\r\n"
      "y [Information] Set handler status (C:\\P\\Status\\0.status), Status=error, Code=51, "
      "Message='Failed'\n"
      "z [Error] Onboarding to MDE via Microsoft Defender for Cloud for this operating system is "
      "not supported\n");
  EXPECT_EQ(log.last_error,
            "Onboarding to MDE via Microsoft Defender for Cloud for this operating system is not "
            "supported");
  EXPECT_EQ(log.code, 51);
  EXPECT_EQ(log.last_status, "error");
  EXPECT_FALSE(ParseMdeHandlerLog("Set handler status (x), Status=success, Code=abc\n").code);
  EXPECT_TRUE(ParseMdeHandlerLog("").last_error.empty());
}

std::string ExtensionCase(const std::string& name) {
  return std::string(PREFLIGHT_TEST_DATA) + "/windows/extension/" + name;
}

// azure.extension.local over a tree read the Windows way, whatever the build's OS.
CheckResult JudgeWindowsExtension(const Context& ctx) {
  const LocalExtension ext = ReadWindowsMdeExtension(ctx);
  return DescribeLocalExtension(ext, EvaluateLocalExtension(ext));
}

TEST(WindowsLocalExtension, FixtureTrees) {
  struct Row {
    const char* name;
    Status status;
    const char* summary_part;
    const char* source;
  };
  const Row rows[] = {
      {"success", Status::kPass, "1.0.9.0 reports success (Enable)", "waagent"},
      {"arc_success", Status::kPass, "reports success", "arc"},
      {"error_unsupported_os", Status::kFail, "code 51", "waagent"},
      {"transitioning", Status::kWarn, "no status file for its latest settings", "waagent"},
      {"malformed_status", Status::kFail, "guest agent reports an error", "waagent"},
  };
  for (const Row& row : rows) {
    TreeWorld tree(ExtensionCase(row.name));
    const CheckResult r = JudgeWindowsExtension(tree.Ctx());
    EXPECT_EQ(r.status, row.status) << row.name << ": " << r.summary;
    EXPECT_TRUE(Has(r.summary, row.summary_part)) << row.name << ": " << r.summary;
    const auto& entry = r.report.at("extensions").at(0);
    EXPECT_EQ(entry.at("name"), "MDE.Windows");
    EXPECT_EQ(entry.at("source"), row.source) << row.name;
  }
  TreeWorld absent(ExtensionCase("not_deployed"));
  EXPECT_EQ(JudgeWindowsExtension(absent.Ctx()).status, Status::kSkip);
}

TEST(WindowsLocalExtension, UnsupportedOsNamesTheCauseFromTheHandlerLog) {
  TreeWorld tree(ExtensionCase("error_unsupported_os"));
  const CheckResult r = JudgeWindowsExtension(tree.Ctx());
  EXPECT_TRUE(Has(r.summary, "handler log's last error")) << r.summary;
  EXPECT_TRUE(Has(r.remediation, "windows.os")) << r.remediation;
  EXPECT_EQ(r.report.at("extensions").at(0).at("code"), 51);
  EXPECT_EQ(r.report.at("extensions").at(0).at("status"), "error");
}

}  // namespace
}  // namespace preflight::testing

// The Windows checks against the real registry, file system and service control manager (Wine in
// CI): fixture values are written into HKLM\SOFTWARE\mde-preflight-test\<pid>\<case> with the raw
// API and the checks read them through MakeRegistry(base), which maps every key below it; fixture
// C:\Packages\Plugins trees live in a temporary directory used as the file system's root. Sense
// and WinDefend do not exist under Wine, so their states come from the fake service manager, except
// in the test that asks the real one. Azure Resource Manager is the fake ARM client the unit tests
// use (tests/fakes/arm_shapes.h).

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "platform/file_system.h"
#include "platform/minifilter_source.h"
#include "platform/registry.h"
#include "platform/service_manager.h"
#include "probes/azure/extension_check.h"
#include "probes/azure/extension_local_check.h"
#include "probes/windows/defender_av_check.h"
#include "probes/windows/mde_install_check.h"
#include "probes/windows/minifilters_check.h"
#include "probes/windows/prerequisites_check.h"
#include "probes/windows/windows_os_check.h"
#include "tests/fakes/fake_platform.h"
#include "tests/unit/cloud_fixture.h"
#include "tests/unit/windows_scenarios.h"
#include "tests/windows/windows_test_support.h"

namespace preflight::testing {
namespace {

// Writes a scenario into the real registry below HKLM\SOFTWARE\mde-preflight-test\<pid>-<n>, and
// removes it at the end.
class RealRegistryWriter final : public RegistryWriter {
 public:
  RealRegistryWriter() {
    static int counter = 0;
    path_ = "SOFTWARE\\mde-preflight-test\\" + std::to_string(::GetCurrentProcessId()) + "-" +
            std::to_string(counter++);
    ::RegDeleteTreeW(HKEY_LOCAL_MACHINE, W(path_).c_str());
  }
  ~RealRegistryWriter() override {
    ::RegDeleteTreeW(HKEY_LOCAL_MACHINE, W(path_).c_str());
    ::RegDeleteKeyW(HKEY_LOCAL_MACHINE, W(path_).c_str());
    ::RegDeleteKeyW(HKEY_LOCAL_MACHINE, L"SOFTWARE\\mde-preflight-test");  // only once empty
  }
  RealRegistryWriter(const RealRegistryWriter&) = delete;
  RealRegistryWriter& operator=(const RealRegistryWriter&) = delete;

  std::string base() const { return "HKLM\\" + path_; }

  void Key(const std::string& key) override {
    HKEY handle = Create(key);
    if (handle != nullptr) ::RegCloseKey(handle);
  }
  void Dword(const std::string& key, const std::string& name, std::uint32_t value) override {
    const DWORD data = value;
    Set(key, name, REG_DWORD, &data, sizeof data);
  }
  void Qword(const std::string& key, const std::string& name, std::uint64_t value) override {
    const unsigned long long data = value;
    Set(key, name, REG_QWORD, &data, sizeof data);
  }
  void String(const std::string& key, const std::string& name, const std::string& value) override {
    const std::wstring wide = W(value);
    Set(key, name, REG_SZ, wide.c_str(), static_cast<DWORD>((wide.size() + 1) * sizeof(wchar_t)));
  }
  void MultiString(const std::string& key, const std::string& name,
                   const std::vector<std::string>& values) override {
    std::wstring data;
    for (const std::string& value : values) data += W(value) + L'\0';
    data += L'\0';
    Set(key, name, REG_MULTI_SZ, data.c_str(), static_cast<DWORD>(data.size() * sizeof(wchar_t)));
  }
  void Binary(const std::string& key, const std::string& name, const std::string& bytes) override {
    Set(key, name, REG_BINARY, bytes.data(), static_cast<DWORD>(bytes.size()));
  }

 private:
  HKEY Create(const std::string& key) {
    HKEY handle = nullptr;
    const LONG rc = ::RegCreateKeyExW(HKEY_LOCAL_MACHINE, W(path_ + "\\" + key).c_str(), 0, nullptr,
                                      0, KEY_WRITE | KEY_WOW64_64KEY, nullptr, &handle, nullptr);
    EXPECT_EQ(rc, ERROR_SUCCESS) << key;
    return rc == ERROR_SUCCESS ? handle : nullptr;
  }
  void Set(const std::string& key, const std::string& name, DWORD type, const void* data,
           DWORD size) {
    HKEY handle = Create(key);
    if (handle == nullptr) return;
    EXPECT_EQ(
        ::RegSetValueExW(handle, W(name).c_str(), 0, type, static_cast<const BYTE*>(data), size),
        ERROR_SUCCESS)
        << key << "!" << name;
    ::RegCloseKey(handle);
  }

  std::string path_;
};

// The real registry below a fixture base and the real file system below a temporary root.
struct RealWorld : FakePlatform {
  RealRegistryWriter writer;
  TempDir root;
  std::unique_ptr<Registry> real_registry;
  std::unique_ptr<FileSystem> fs;

  // Call after the scenario is written.
  Context Ctx(ServiceManager* real_services = nullptr) {
    real_registry = MakeRegistry(writer.base());
    fs = MakeFileSystem(root.path());
    ContextParts parts = Parts(*fs, /*live=*/false);
    parts.registry = real_registry.get();
    if (real_services != nullptr) parts.services = real_services;
    return MakeContext(parts);
  }
};

std::int64_t NowUnix() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Writes `relative` ('\\'-separated) below the root, creating its directories first.
void WriteTree(const TempDir& root, const std::string& relative, const std::string& content) {
  for (std::size_t at = relative.find('\\'); at != std::string::npos;
       at = relative.find('\\', at + 1)) {
    ::CreateDirectoryW(W(root.path() + "\\" + relative.substr(0, at)).c_str(), nullptr);
  }
  root.WriteFile(relative, content);
}

bool Has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(WineWindowsChecks, OsPassWarnFail) {
  RealWorld supported;
  PlantServer2019(supported.writer);
  CheckResult r = WindowsOsCheck().Run(supported.Ctx());
  EXPECT_EQ(r.status, Status::kPass) << r.summary;
  EXPECT_EQ(r.evidence.at("build"), 17763);

  RealWorld client;
  PlantWindows11Pro(client.writer);
  r = WindowsOsCheck().Run(client.Ctx());
  EXPECT_EQ(r.status, Status::kFail) << r.summary;
  EXPECT_TRUE(Has(r.summary, "Windows 11")) << r.summary;

  RealWorld empty;
  empty.writer.Key("SOFTWARE");
  r = WindowsOsCheck().Run(empty.Ctx());
  EXPECT_EQ(r.status, Status::kWarn) << r.summary;
}

TEST(WineWindowsChecks, MdeInstallPassWarnFail) {
  RealWorld healthy;
  PlantServer2019(healthy.writer);
  PlantOnboarded(healthy.writer, NowUnix() - 600);
  healthy.services.SetState("Sense", ServiceState::kActive);
  CheckResult r = WindowsMdeInstallCheck().Run(healthy.Ctx());
  EXPECT_EQ(r.status, Status::kPass) << r.summary;
  EXPECT_EQ(r.report.at("mde").at("org_id"), "00000000-aaaa-bbbb-cccc-000000000001");
  EXPECT_EQ(r.report.at("mde").at("healthy"), true);

  RealWorld not_onboarded;
  PlantServer2019(not_onboarded.writer);
  not_onboarded.writer.Dword(kTestAtpStatus, "OnboardingState", 0);
  not_onboarded.services.SetState("Sense", ServiceState::kInactive);
  r = WindowsMdeInstallCheck().Run(not_onboarded.Ctx());
  EXPECT_EQ(r.status, Status::kWarn) << r.summary;

  RealWorld silent;
  PlantOnboarded(silent.writer, NowUnix() - 20 * 24 * 3600);
  silent.services.SetState("Sense", ServiceState::kActive);
  r = WindowsMdeInstallCheck().Run(silent.Ctx());
  EXPECT_EQ(r.status, Status::kFail) << r.summary;
  EXPECT_TRUE(Has(r.summary, "20 days ago")) << r.summary;
}

TEST(WineWindowsChecks, DefenderAvPassWarnFail) {
  RealWorld passive;
  PlantServer2019(passive.writer);
  passive.writer.Dword(kTestDefender, "PassiveMode", 1);
  passive.services.SetState("WinDefend", ServiceState::kActive);
  CheckResult r = DefenderAvCheck().Run(passive.Ctx());
  EXPECT_EQ(r.status, Status::kPass) << r.summary;
  EXPECT_TRUE(Has(r.summary, "passive")) << r.summary;

  RealWorld pending;
  pending.writer.Dword(kTestAtpPolicy, "ForceDefenderPassiveMode", 1);
  pending.services.SetState("WinDefend", ServiceState::kActive);
  r = DefenderAvCheck().Run(pending.Ctx());
  EXPECT_EQ(r.status, Status::kWarn) << r.summary;

  RealWorld disabled;
  disabled.writer.Dword(kTestDefenderPolicy, "DisableAntiVirus", 1);
  disabled.services.SetState("WinDefend", ServiceState::kActive);
  r = DefenderAvCheck().Run(disabled.Ctx());
  EXPECT_EQ(r.status, Status::kFail) << r.summary;
  EXPECT_TRUE(Has(r.summary, "DisableAntiVirus")) << r.summary;
}

TEST(WineWindowsChecks, DefenderAvAsksTheRealServiceControlManager) {
  // Wine has no WinDefend service: the real SCM says so and the check fails on a 2019 server.
  RealWorld world;
  PlantServer2019(world.writer);
  std::unique_ptr<ServiceManager> scm = MakeServiceManager(world.processes);
  ASSERT_TRUE(scm->Available());
  const CheckResult r = DefenderAvCheck().Run(world.Ctx(scm.get()));
  EXPECT_EQ(r.status, Status::kFail) << r.summary;
  EXPECT_EQ(r.evidence.at("windefend"), "not-found");
}

// Wine's fltlib is a stub that reports no filters, so the real source gives none and the check
// reads the filters registered in the (fixture) registry; the parser's own tests over hand-made
// FilterAggregateStandardInformation buffers run in preflight_unit_tests on this build too.
TEST(WineWindowsChecks, MinifiltersPassWarnFailThroughTheRealSourceAndRegistry) {
  const std::unique_ptr<MinifilterSource> real = MakeMinifilterSource();
  const Result<std::vector<std::string>> enumerated = real->Enumerate(64);
  ASSERT_TRUE(enumerated.Ok()) << enumerated.Err().message;

  RealWorld mde_only;
  PlantRegisteredFilter(mde_only.writer, "WdFilter", "328010");
  PlantRegisteredFilter(mde_only.writer, "MsSecFlt", "385600");
  CheckResult r = MinifiltersCheck(MakeMinifilterSource()).Run(mde_only.Ctx());
  EXPECT_EQ(r.status, Status::kPass) << r.summary;
  EXPECT_EQ(r.report.at("minifilters").size(), 2U);

  RealWorld edr;
  PlantRegisteredFilter(edr.writer, "WdFilter", "328010");
  PlantRegisteredFilter(edr.writer, "CyProtectDrv64", "388510");
  r = MinifiltersCheck(MakeMinifilterSource()).Run(edr.Ctx());
  EXPECT_EQ(r.status, Status::kWarn) << r.summary;

  RealWorld other_av;
  PlantRegisteredFilter(other_av.writer, "WdFilter", "328010");
  PlantRegisteredFilter(other_av.writer, "eamonm", "328700");
  r = MinifiltersCheck(MakeMinifilterSource()).Run(other_av.Ctx());
  EXPECT_EQ(r.status, Status::kFail) << r.summary;
  EXPECT_TRUE(Has(r.summary, "ESET")) << r.summary;
  EXPECT_TRUE(Has(r.remediation, "ForceDefenderPassiveMode")) << r.remediation;
  EXPECT_EQ(r.evidence.at("source"), "registry");
}

// Registers minifilters in the live HKLM\SYSTEM\CurrentControlSet\Services the way a minifilter
// INF does (windows-driver-docs ifs/creating-an-inf-file-for-a-minifilter-driver.md: a service of
// Type SERVICE_FILE_SYSTEM_DRIVER in its load order group, Instances!DefaultInstance naming an
// instance key with Altitude (REG_SZ) and Flags), demand-start so that nothing tries to load them,
// and removes them again. Wine's fltlib reports no filters, so the check reads these keys.
class InfRegisteredFilters {
 public:
  InfRegisteredFilters() = default;
  ~InfRegisteredFilters() {
    for (const std::string& name : names_) Remove(name);
  }
  InfRegisteredFilters(const InfRegisteredFilters&) = delete;
  InfRegisteredFilters& operator=(const InfRegisteredFilters&) = delete;

  void Add(const std::string& name, const std::string& altitude, const std::string& group) {
    Remove(name);  // what a crashed earlier run left
    names_.push_back(name);
    const std::string service = Key(name);
    const std::string instances = service + "\\Instances";
    const std::string instance = name + " Instance";
    Dword(service, "Type", SERVICE_FILE_SYSTEM_DRIVER);
    Dword(service, "Start", SERVICE_DEMAND_START);
    Dword(service, "ErrorControl", SERVICE_ERROR_NORMAL);
    String(service, "Group", group);
    String(service, "ImagePath", "system32\\drivers\\" + name + ".sys");
    String(instances, "DefaultInstance", instance);
    String(instances + "\\" + instance, "Altitude", altitude);
    Dword(instances + "\\" + instance, "Flags", 0);
  }

 private:
  static std::string Key(const std::string& name) {
    return "SYSTEM\\CurrentControlSet\\Services\\" + name;
  }
  static void Remove(const std::string& name) {
    ::RegDeleteTreeW(HKEY_LOCAL_MACHINE, W(Key(name)).c_str());
    ::RegDeleteKeyW(HKEY_LOCAL_MACHINE, W(Key(name)).c_str());
  }
  static void Set(const std::string& key, const std::string& name, DWORD type, const void* data,
                  DWORD size) {
    HKEY handle = nullptr;
    ASSERT_EQ(::RegCreateKeyExW(HKEY_LOCAL_MACHINE, W(key).c_str(), 0, nullptr, 0, KEY_SET_VALUE,
                                nullptr, &handle, nullptr),
              ERROR_SUCCESS)
        << key;
    EXPECT_EQ(
        ::RegSetValueExW(handle, W(name).c_str(), 0, type, static_cast<const BYTE*>(data), size),
        ERROR_SUCCESS)
        << key << "!" << name;
    ::RegCloseKey(handle);
  }
  static void Dword(const std::string& key, const std::string& name, DWORD value) {
    Set(key, name, REG_DWORD, &value, sizeof value);
  }
  static void String(const std::string& key, const std::string& name, const std::string& value) {
    const std::wstring wide = W(value);
    Set(key, name, REG_SZ, wide.c_str(), static_cast<DWORD>((wide.size() + 1) * sizeof(wchar_t)));
  }

  std::vector<std::string> names_;
};

// windows.minifilters over the live registry (no mapped base), as the agent runs.
CheckResult RunMinifiltersOnTheLiveRegistry() {
  RealWorld world;
  const std::unique_ptr<Registry> live = MakeRegistry();
  world.fs = MakeFileSystem(world.root.path());
  ContextParts parts = world.Parts(*world.fs, /*live=*/false);
  parts.registry = live.get();
  return MinifiltersCheck(MakeMinifilterSource()).Run(MakeContext(parts));
}

// The report entry of one filter.
nlohmann::json Entry(const CheckResult& r, const std::string& name) {
  for (const nlohmann::json& entry : r.report.at("minifilters")) {
    if (entry.at("name") == name) return entry;
  }
  ADD_FAILURE() << name << " is not in the report";
  return nlohmann::json::object();
}

constexpr const char* kAvGroup = "FSFilter Anti-Virus";

// CrowdStrike's and SentinelOne's current allocations sit in the anti-virus group: Defender must
// run passive next to them, whatever the catalog calls them.
TEST(WineMinifilters, CrowdStrikeAndSentinelOneAtTheirOfficialAltitudesFail) {
  struct Row {
    const char* name;
    const char* altitude;
    const char* company;
  };
  const Row rows[] = {{"csagent", "321410", "CrowdStrike Ltd."},
                      {"SentinelMonitor", "329355.5", "SentinelOne, Inc."}};
  for (const Row& row : rows) {
    InfRegisteredFilters filters;
    filters.Add("WdFilter", "328010", kAvGroup);
    filters.Add(row.name, row.altitude, kAvGroup);
    const CheckResult r = RunMinifiltersOnTheLiveRegistry();
    EXPECT_EQ(r.status, Status::kFail) << r.summary;
    EXPECT_EQ(r.evidence.at("source"), "registry") << r.summary;
    EXPECT_TRUE(Has(r.summary, row.company)) << r.summary;
    EXPECT_TRUE(Has(r.remediation, "ForceDefenderPassiveMode")) << r.remediation;
    EXPECT_TRUE(Has(r.remediation, "Before onboarding")) << r.remediation;
    const nlohmann::json entry = Entry(r, row.name);
    EXPECT_EQ(entry.value("classification", ""), "conflict") << entry;
    EXPECT_EQ(entry.value("company", ""), row.company) << entry;
    EXPECT_EQ(entry.value("group", ""), kAvGroup) << entry;
    EXPECT_EQ(entry.value("altitude", ""), row.altitude) << entry;
    EXPECT_EQ(entry.value("decided_by", ""), "official_list") << entry;
    EXPECT_EQ(Entry(r, "WdFilter").value("classification", ""), "mde");
  }
}

// WdDevFlt is Microsoft's (official list), though the catalog lacks it: never another vendor's.
TEST(WineMinifilters, WdDevFltBesideWdFilterPasses) {
  InfRegisteredFilters filters;
  filters.Add("WdFilter", "328010", kAvGroup);
  filters.Add("WdDevFlt", "329030", kAvGroup);
  const CheckResult r = RunMinifiltersOnTheLiveRegistry();
  EXPECT_EQ(r.status, Status::kPass) << r.summary;
  const nlohmann::json entry = Entry(r, "WdDevFlt");
  EXPECT_EQ(entry.value("classification", ""), "allowed") << entry;
  EXPECT_EQ(entry.value("company", ""), "Microsoft") << entry;
  EXPECT_EQ(entry.value("decided_by", ""), "official_list") << entry;
}

// vsepflt is not in the catalog; the official list names its company.
TEST(WineMinifilters, AFilterTheCatalogLacksIsNamedWithItsOfficialCompany) {
  InfRegisteredFilters filters;
  filters.Add("WdFilter", "328010", kAvGroup);
  filters.Add("vsepflt", "328200", kAvGroup);
  const CheckResult r = RunMinifiltersOnTheLiveRegistry();
  EXPECT_EQ(r.status, Status::kFail) << r.summary;
  EXPECT_TRUE(Has(r.summary,
                  "vsepflt (VMware, Inc., FSFilter Anti-Virus, 328200; per "
                  "Microsoft's altitude list)"))
      << r.summary;
  const nlohmann::json entry = Entry(r, "vsepflt");
  EXPECT_EQ(entry.value("company", ""), "VMware, Inc.") << entry;
  EXPECT_FALSE(entry.contains("product")) << entry;
  EXPECT_EQ(r.evidence.at("filters").size(), r.report.at("minifilters").size());
}

TEST(WineWindowsChecks, PrerequisitesPassWarnFail) {
  RealWorld ready;
  PlantServer2019(ready.writer);
  ready.writer.Binary(
      "SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Internet Settings\\Connections",
      "WinHttpSettings", WinHttpSettingsBytes(3, "proxy.corp.test:3128", ""));
  CheckResult r = PrerequisitesCheck().Run(ready.Ctx());
  EXPECT_EQ(r.status, Status::kPass) << r.summary;
  EXPECT_TRUE(Has(r.summary, "proxy.corp.test:3128")) << r.summary;

  RealWorld renames;
  PlantServer2019(renames.writer);
  renames.writer.MultiString("SYSTEM\\CurrentControlSet\\Control\\Session Manager",
                             "PendingFileRenameOperations", {"\\??\\C:\\x.tmp", ""});
  r = PrerequisitesCheck().Run(renames.Ctx());
  EXPECT_EQ(r.status, Status::kWarn) << r.summary;

  RealWorld old_2012;
  PlantServer2012R2(old_2012.writer);
  old_2012.writer.Dword("SOFTWARE\\Microsoft\\.NETFramework\\v4.0.30319", "SchUseStrongCrypto", 1);
  old_2012.writer.Key(
      "SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Component Based Servicing\\"
      "Packages\\Package_for_KB2919355~31bf3856ad364e35~amd64~~6.3.1.14");
  r = PrerequisitesCheck().Run(old_2012.Ctx());  // no ucrtbase.dll below the temporary root
  EXPECT_EQ(r.status, Status::kFail) << r.summary;
  EXPECT_TRUE(Has(r.summary, "KB2999226")) << r.summary;
}

constexpr const char* kPlugin =
    "Packages\\Plugins\\Microsoft.Azure.AzureDefenderForServers.MDE.Windows\\";
constexpr const char* kSuccess =
    R"([{"version":1.0,"timestampUTC":"2025-03-01T10:00:00Z","status":{"name":"MDE.Windows",)"
    R"("operation":"Enable","status":"success","code":0,"formattedMessage":{"lang":"en-US",)"
    R"("message":"onboarded"}}}])";
constexpr const char* kError51 =
    R"([{"version":1.0,"timestampUTC":"2022-09-01T10:00:00Z","status":{"name":"MDE.Windows",)"
    R"("operation":"Enable","status":"error","code":51,"formattedMessage":{"lang":"en-US",)"
    R"("message":"Failed to configure Microsoft Defender for Endpoint"}}}])";

TEST(WineWindowsChecks, ExtensionLocalPassWarnFailOverAPackagesTree) {
  RealWorld success;
  WriteTree(success.root, std::string(kPlugin) + "1.0.9.0\\RuntimeSettings\\0.settings", "{}");
  WriteTree(success.root, std::string(kPlugin) + "1.0.9.0\\Status\\0.status", kSuccess);
  CheckResult r = ExtensionLocalCheck().Run(success.Ctx());
  EXPECT_EQ(r.status, Status::kPass) << r.summary;
  const auto& entry = r.report.at("extensions").at(0);
  EXPECT_EQ(entry.at("version"), "1.0.9.0");
  EXPECT_TRUE(Has(entry.at("path").get<std::string>(), success.root.path())) << entry.dump();

  RealWorld transitioning;
  WriteTree(transitioning.root, std::string(kPlugin) + "1.0.9.0\\RuntimeSettings\\0.settings",
            "{}");
  WriteTree(transitioning.root, std::string(kPlugin) + "1.0.9.0\\RuntimeSettings\\1.settings",
            "{}");
  WriteTree(transitioning.root, std::string(kPlugin) + "1.0.9.0\\Status\\0.status", kSuccess);
  r = ExtensionLocalCheck().Run(transitioning.Ctx());
  EXPECT_EQ(r.status, Status::kWarn) << r.summary;

  RealWorld failed;
  WriteTree(failed.root, std::string(kPlugin) + "1.0.7.0\\RuntimeSettings\\0.settings", "{}");
  WriteTree(failed.root, std::string(kPlugin) + "1.0.7.0\\Status\\0.status", kError51);
  WriteTree(
      failed.root,
      "WindowsAzure\\Logs\\Plugins\\Microsoft.Azure.AzureDefenderForServers.MDE.Windows\\1.0.7.0\\"
      "MdeExtensionHandlerLog.log",
      "[Error] Onboarding to MDE via Microsoft Defender for Cloud for this operating system is not "
      "supported\r\n");
  r = ExtensionLocalCheck().Run(failed.Ctx());
  EXPECT_EQ(r.status, Status::kFail) << r.summary;
  EXPECT_TRUE(Has(r.summary, "not supported")) << r.summary;
  EXPECT_EQ(r.report.at("extensions").at(0).at("code"), 51);

  RealWorld none;
  r = ExtensionLocalCheck().Run(none.Ctx());
  EXPECT_EQ(r.status, Status::kSkip) << r.summary;
}

// azure.extension on Windows compares ARM's view with the MDE.Windows status files read from the
// real file system: ARM says Succeeded while the machine's newest status says error -> fail.
TEST(WineWindowsChecks, ExtensionFailsWhenArmSucceededButTheLocalStatusIsError) {
  const auto run = [](const char* status_file) {
    RealWorld machine;
    WriteTree(machine.root, std::string(kPlugin) + "1.0.7.0\\RuntimeSettings\\0.settings", "{}");
    WriteTree(machine.root, std::string(kPlugin) + "1.0.7.0\\Status\\0.status", status_file);
    CloudWorld cloud;
    cloud.access.machine.os_type = "Windows";
    cloud.arm.OnGet(std::string(arm_shapes::kVmId) + "/extensions/MDE.Windows", "2024-07-01",
                    ArmOk(arm_shapes::VmExtensionBody("Succeeded", {}, {}, "MDE.Windows")),
                    "$expand=instanceView");
    Context ctx = machine.Ctx();
    ctx.offline = false;
    ctx.cloud = &cloud.access;
    return ExtensionCheck().Run(ctx);
  };
  const CheckResult failed = run(kError51);
  EXPECT_EQ(failed.status, Status::kFail) << failed.summary;
  EXPECT_TRUE(Has(failed.summary,
                  "Azure reports the MDE.Windows extension as succeeded, but its "
                  "local status is error"))
      << failed.summary;
  EXPECT_TRUE(Has(failed.summary, "Failed to configure Microsoft Defender for Endpoint"))
      << failed.summary;
  EXPECT_EQ(failed.evidence.at("provisioning_state"), "Succeeded");
  EXPECT_EQ(failed.evidence.at("local").at("read"), true);
  EXPECT_EQ(failed.evidence.at("local").at("found"), true);
  EXPECT_EQ(failed.evidence.at("local").at("version"), "1.0.7.0");
  EXPECT_EQ(failed.evidence.at("local").at("status"), "error");

  // The same ARM answer with a local success passes: the status file decides.
  const CheckResult agreed = run(kSuccess);
  EXPECT_EQ(agreed.status, Status::kPass) << agreed.summary;
  EXPECT_EQ(agreed.evidence.at("local").at("status"), "success");
}

}  // namespace
}  // namespace preflight::testing

#include <gtest/gtest.h>

#include "agent/host_info.h"
#include "agent/platform_defaults.h"
#include "tests/fakes/fake_platform.h"

namespace preflight::testing {
namespace {

constexpr const char* kCurrentVersion = "SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion";

TEST(WindowsHostInfo, LiveHostFromSystemInfoAndRegistry) {
  FakeWorld world;
  world.system.uname = UnameInfo{"Windows", "srv-01", "10.0.20348", "x86_64"};
  world.registry.SetString(kCurrentVersion, "ProductName", "Windows Server 2022 Datacenter");
  world.registry.SetDword(kCurrentVersion, "UBR", 2113);
  const auto host = CollectHost(world.Ctx(/*live=*/true));
  EXPECT_EQ(host["hostname"], "srv-01");
  EXPECT_EQ(host["arch"], "x86_64");
  EXPECT_EQ(host["kernel"], "20348.2113");
  EXPECT_EQ(host["os"]["family"], "windows");
  EXPECT_EQ(host["os"]["id"], "windows");
  EXPECT_EQ(host["os"]["version_id"], "10.0.20348");
  EXPECT_EQ(host["os"]["pretty_name"], "Windows Server 2022 Datacenter");
}

TEST(WindowsHostInfo, MissingRegistryValuesLeaveTheBuildAndNull) {
  FakeWorld world;
  world.system.uname = UnameInfo{"Windows", "srv-01", "6.3.9600", "x86_64"};
  const auto host = CollectHost(world.Ctx(/*live=*/true));
  EXPECT_EQ(host["kernel"], "9600");
  EXPECT_TRUE(host["os"]["pretty_name"].is_null());
}

TEST(WindowsHostInfo, UnderRootOnlyTheFamilyIsKnown) {
  FakeWorld world;
  world.registry.SetString(kCurrentVersion, "ProductName", "the live machine's, not the image's");
  const auto host = CollectHost(world.Ctx(/*live=*/false));
  EXPECT_TRUE(host["hostname"].is_null());
  EXPECT_TRUE(host["kernel"].is_null());
  EXPECT_EQ(host["os"]["family"], "windows");
  EXPECT_TRUE(host["os"]["pretty_name"].is_null());
}

TEST(WindowsHostInfo, ArcIsRecognisedByItsServiceOrBinary) {
  FakeWorld world;
  EXPECT_EQ(DetectEnvironmentLocally(world.Ctx())["kind"], "other");
  world.services.SetState("himds", ServiceState::kActive);
  const auto by_service = DetectEnvironmentLocally(world.Ctx());
  EXPECT_EQ(by_service["kind"], "azure_arc");
  EXPECT_EQ(by_service["signs"].size(), 1U);
  FakeWorld image;
  image.fs.AddFile("/Program Files/AzureConnectedMachineAgent/himds.exe", "MZ");
  EXPECT_EQ(DetectEnvironmentLocally(image.Ctx(/*live=*/false))["kind"], "azure_arc");
}

TEST(WindowsPlatformDefaults, FilesLiveUnderProgramData) {
  FakeEnvironment env;
  EXPECT_STREQ(OsFamily(), "windows");
  EXPECT_EQ(DefaultConfigPath(env), "C:\\ProgramData\\mde-preflight\\config.json");
  EXPECT_EQ(DefaultReportPath(env), "C:\\ProgramData\\mde-preflight\\report.json");
}

// The folder is the ProgramData known folder, the MSI's CommonAppDataFolder: a process started
// with another %ProgramData% (Wine's services get C:\users\Public) still finds the MSI's files.
TEST(WindowsPlatformDefaults, TheKnownFolderWinsOverTheEnvironment) {
  FakeEnvironment env;
  env.Set("ProgramData", "D:\\Data\\");
  EXPECT_EQ(DefaultConfigPath(env), "C:\\ProgramData\\mde-preflight\\config.json");
  EXPECT_EQ(DefaultReportPath(env), "C:\\ProgramData\\mde-preflight\\report.json");
}

}  // namespace
}  // namespace preflight::testing

#include <gtest/gtest.h>

#include <string>

#include "agent/host_info.h"
#include "tests/fakes/fake_platform.h"

namespace preflight::testing {
namespace {

constexpr const char* kAssetTagPath = "/sys/devices/virtual/dmi/id/chassis_asset_tag";

TEST(LinuxHostInfo, LiveHostFromUname) {
  FakeWorld world;
  world.fs.AddFile("/etc/os-release", "ID=debian\nVERSION_ID=\"12\"\nPRETTY_NAME=\"Debian 12\"\n");
  const nlohmann::json host = CollectHost(world.Ctx(/*live=*/true));
  EXPECT_EQ(host["hostname"], "testhost");
  EXPECT_EQ(host["arch"], "x86_64");
  EXPECT_EQ(host["kernel"], "6.1.0-18-amd64");
  EXPECT_EQ(host["os"]["family"], "linux");
  EXPECT_EQ(host["os"]["id"], "debian");
  EXPECT_EQ(host["os"]["version_id"], "12");
  EXPECT_EQ(host["os"]["pretty_name"], "Debian 12");
}

TEST(LinuxHostInfo, UnderRootTheTreeSpeaks) {
  FakeWorld world;
  world.fs.AddFile("/proc/sys/kernel/hostname", "image-host \r\nignored\n");
  world.fs.AddFile("/proc/sys/kernel/arch", "aarch64\n");
  world.fs.AddFile("/proc/sys/kernel/osrelease", "5.14.0-362.el9.aarch64\n");
  const nlohmann::json host = CollectHost(world.Ctx(/*live=*/false));
  EXPECT_EQ(host["hostname"], "image-host");
  EXPECT_EQ(host["arch"], "aarch64");
  EXPECT_EQ(host["kernel"], "5.14.0-362.el9.aarch64");
  EXPECT_TRUE(host["os"]["id"].is_null());

  FakeWorld image;
  image.fs.AddFile("/etc/hostname", "from-etc\n");
  const nlohmann::json fallback = CollectHost(image.Ctx(/*live=*/false));
  EXPECT_EQ(fallback["hostname"], "from-etc");
  EXPECT_TRUE(fallback["kernel"].is_null());
}

TEST(LinuxHostInfo, AzureAssetTagAndArcBinary) {
  FakeWorld plain;
  plain.fs.AddFile(kAssetTagPath, "No Asset Tag\n");
  EXPECT_EQ(DetectEnvironmentLocally(plain.Ctx())["kind"], "other");

  FakeWorld vm;
  vm.fs.AddFile(kAssetTagPath, "7783-7084-3265-9085-8269-3286-77\n");
  EXPECT_EQ(DetectEnvironmentLocally(vm.Ctx())["kind"], "azure_vm");

  FakeWorld arc;
  arc.fs.AddFile("/opt/azcmagent/bin/himds", "ELF");
  const nlohmann::json arc_env = DetectEnvironmentLocally(arc.Ctx(/*live=*/false));
  EXPECT_EQ(arc_env["kind"], "azure_arc");
  EXPECT_EQ(arc_env["signs"][0], "the Azure Arc agent is installed (/opt/azcmagent/bin/himds)");

  // An Arc agent on an Azure VM: the VM wins, both signs are listed.
  arc.fs.AddFile(kAssetTagPath, "7783-7084-3265-9085-8269-3286-77");
  const nlohmann::json both = DetectEnvironmentLocally(arc.Ctx());
  EXPECT_EQ(both["kind"], "azure_vm");
  EXPECT_EQ(both["signs"].size(), 2U);
}

}  // namespace
}  // namespace preflight::testing

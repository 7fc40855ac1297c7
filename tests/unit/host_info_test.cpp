#include "agent/host_info.h"

#include <gtest/gtest.h>

#include <string>

#include "tests/fakes/fake_platform.h"

namespace preflight::testing {
namespace {

TEST(HostJson, UnknownPartsAreNull) {
  const nlohmann::json full = HostJson({"srv", "x86_64", "6.1.0", "linux", "debian", "12", "D 12"});
  EXPECT_EQ(full["hostname"], "srv");
  EXPECT_EQ(full["arch"], "x86_64");
  EXPECT_EQ(full["kernel"], "6.1.0");
  EXPECT_EQ(
      full["os"],
      nlohmann::json(
          {{"family", "linux"}, {"id", "debian"}, {"version_id", "12"}, {"pretty_name", "D 12"}}));
  HostSummary bare;
  bare.os_family = "windows";
  const nlohmann::json empty = HostJson(bare);
  for (const char* key : {"hostname", "arch", "kernel"}) EXPECT_TRUE(empty[key].is_null()) << key;
  EXPECT_EQ(empty["os"]["family"], "windows");
  for (const char* key : {"id", "version_id", "pretty_name"}) {
    EXPECT_TRUE(empty["os"][key].is_null()) << key;
  }
}

TEST(EnvironmentJson, AnAzureVmSignWinsOverArc) {
  const struct {
    LocalCloudSigns signs;
    const char* kind;
    std::size_t sign_count;
  } cases[] = {
      {{}, "other", 0},
      {{{"arc binary"}, {}}, "azure_arc", 1},
      {{{"arc binary", "arc service"}, {}}, "azure_arc", 2},
      {{{}, {"asset tag"}}, "azure_vm", 1},
      {{{"arc binary"}, {"asset tag"}}, "azure_vm", 2},
  };
  for (const auto& c : cases) {
    const nlohmann::json env = EnvironmentJson(c.signs);
    EXPECT_EQ(env["kind"], c.kind);
    EXPECT_EQ(env["signs"].size(), c.sign_count) << c.kind;
    EXPECT_EQ(env["confirmed"], false);
    for (const char* key :
         {"cloud", "subscription_id", "resource_group", "resource_id", "vm_id", "location"}) {
      EXPECT_TRUE(env[key].is_null()) << key;
    }
  }
  // Arc signs come first, in the order found.
  const nlohmann::json env = EnvironmentJson({{"a", "b"}, {"c"}});
  EXPECT_EQ(env["signs"], nlohmann::json({"a", "b", "c"}));
}

TEST(DetectEnvironmentLocally, ArcVariablesCountOnlyOnTheLiveMachineAndOnlyBoth) {
  FakeWorld world;
  world.env.Set("IDENTITY_ENDPOINT", "http://localhost:40342/metadata/identity/oauth2/token");
  EXPECT_EQ(DetectEnvironmentLocally(world.Ctx())["kind"], "other");
  world.env.Set("IMDS_ENDPOINT", "http://localhost:40342");
  const nlohmann::json live = DetectEnvironmentLocally(world.Ctx(/*live=*/true));
  EXPECT_EQ(live["kind"], "azure_arc");
  EXPECT_EQ(live["signs"][0], "IDENTITY_ENDPOINT and IMDS_ENDPOINT are set (Azure Arc)");
  // Under --root the agent's own environment says nothing about the image.
  EXPECT_EQ(DetectEnvironmentLocally(world.Ctx(/*live=*/false))["kind"], "other");
}

}  // namespace
}  // namespace preflight::testing

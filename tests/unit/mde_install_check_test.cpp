#include "probes/linux/mde_install_check.h"

#include <gtest/gtest.h>

#include "platform/file_system.h"
#include "probes/common/facts.h"
#include "tests/fakes/fake_platform.h"
#include "tests/unit/hostchecks_fixture.h"

namespace preflight {
namespace {

// A fixture tree under tests/data/mde/<name>, inspected as with --root (live=false).
using FixtureTree = testing::TreeWorld;

TEST(MdeInstallCheckFixture, InstalledAndOnboarded) {
  FixtureTree tree(testing::MdeCase("installed_onboarded"));
  const CheckResult r = MdeInstallCheck().Run(tree.Ctx());
  EXPECT_EQ(r.status, Status::kPass) << r.summary;
  const auto& mde = r.report.at("mde");
  EXPECT_EQ(mde.at("installed"), true);
  EXPECT_EQ(mde.at("onboarded"), true);
  EXPECT_TRUE(mde.at("healthy").is_null());
  EXPECT_EQ(mde.at("version"), "101.24082.0004");
  EXPECT_EQ(mde.at("org_id"), "00000000-aaaa-bbbb-cccc-000000000001");
  EXPECT_TRUE(mde.at("machine_id").is_null());
  EXPECT_TRUE(mde.at("health_issues").empty());
  EXPECT_NE(r.summary.find("not checked"), std::string::npos) << r.summary;
  EXPECT_EQ(r.evidence.at("onboarding").at("datacenter"), "WestEurope");
  // --root never runs a command.
  EXPECT_TRUE(tree.processes.calls().empty());
}

TEST(MdeInstallCheckFixture, ProxyCredentialsNeverReachTheResult) {
  FixtureTree tree(testing::MdeCase("installed_onboarded"));
  const CheckResult r = MdeInstallCheck().Run(tree.Ctx());
  EXPECT_EQ(r.evidence.at("managed_config").at("proxy"),
            "http://<redacted>@proxy.example.test:3128/");
  const std::string everything = r.evidence.dump() + r.report.dump() + r.summary + r.remediation;
  EXPECT_EQ(everything.find("fixture-s3cret"), std::string::npos);
  EXPECT_EQ(everything.find("fixtureuser"), std::string::npos);
  // Neither do the onboarding blob's signature or certificate.
  EXPECT_EQ(everything.find("Zml4dHVyZS1"), std::string::npos);
}

TEST(MdeInstallCheckFixture, InstalledNotOnboarded) {
  FixtureTree tree(testing::MdeCase("installed_not_onboarded"));
  const CheckResult r = MdeInstallCheck().Run(tree.Ctx());
  EXPECT_EQ(r.status, Status::kWarn);
  EXPECT_NE(r.summary.find("not onboarded"), std::string::npos) << r.summary;
  EXPECT_NE(r.summary.find("no onboarding file"), std::string::npos) << r.summary;
  EXPECT_NE(r.remediation.find("onboarding package"), std::string::npos);
  EXPECT_EQ(r.report.at("mde").at("installed"), true);
  EXPECT_EQ(r.report.at("mde").at("onboarded"), false);
}

TEST(MdeInstallCheckFixture, Absent) {
  FixtureTree tree(testing::MdeCase("absent"));
  const CheckResult r = MdeInstallCheck().Run(tree.Ctx());
  EXPECT_EQ(r.status, Status::kPass);
  EXPECT_EQ(r.summary, "MDE is not installed; Defender for Cloud will install it.");
  EXPECT_EQ(r.report.at("mde").at("installed"), false);
  EXPECT_EQ(r.report.at("mde").at("onboarded"), false);
  EXPECT_EQ(r.evidence.at("package").at("state"), "config-files");
}

// A tree with neither a package database nor MDE's files may be no system at all: "not installed"
// would be a guess, so the install state is unknown and the check warns, never passes.
TEST(MdeInstallCheckFixture, EmptyTreeIsUnknownNotAbsent) {
  FixtureTree tree(testing::MdeCase("does_not_exist"));
  const CheckResult r = MdeInstallCheck().Run(tree.Ctx());
  EXPECT_EQ(r.status, Status::kWarn) << r.summary;
  EXPECT_TRUE(r.report.at("mde").at("installed").is_null());
  const auto& notes = r.report.at("mde").at("notes");
  ASSERT_FALSE(notes.empty());
  EXPECT_NE(notes[0].get<std::string>().find("neither a dpkg nor an rpm database"),
            std::string::npos);
}

}  // namespace
}  // namespace preflight

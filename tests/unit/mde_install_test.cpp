// mde.install's decision table and wording, shared by the Linux and Windows checks; OS-neutral, so
// built into preflight_unit_tests on Linux and on Windows (Wine).

#include "probes/common/mde_install.h"

#include <gtest/gtest.h>

#include <functional>

namespace preflight {
namespace {

MdeState Onboarded() {
  MdeState state;
  state.installed = true;
  state.onboarded = true;
  state.version = "101.24082.0004";
  state.org_id = "org-1";
  return state;
}

TEST(EvaluateMdeInstall, Table) {
  struct Row {
    const char* what;
    std::function<void(MdeState&, MdeInstallFacts&)> set;
    Status status;
    MdeInstallState state;
  };
  using S = MdeInstallState;
  const Row rows[] = {
      {"install unknown", [](MdeState& s, MdeInstallFacts&) { s.installed.reset(); }, Status::kWarn,
       S::kInstallUnknown},
      {"legacy MMA, not onboarded",
       [](MdeState& s, MdeInstallFacts& f) {
         s.installed = false;
         s.onboarded = false;
         f.legacy_mma = true;
       },
       Status::kWarn, S::kLegacyMma},
      {"legacy MMA yet onboarded is judged as onboarded",
       [](MdeState& s, MdeInstallFacts& f) {
         f.legacy_mma = true;
         s.healthy = true;
       },
       Status::kPass, S::kHealthy},
      {"not installed", [](MdeState& s, MdeInstallFacts&) { s.installed = false; }, Status::kPass,
       S::kNotInstalled},
      {"package without its command", [](MdeState&, MdeInstallFacts& f) { f.cli_missing = true; },
       Status::kFail, S::kCorrupt},
      {"conflicting applications",
       [](MdeState& s, MdeInstallFacts&) { s.conflicting_applications = {"ds_agent"}; },
       Status::kFail, S::kConflictingApps},
      {"service down",
       [](MdeState&, MdeInstallFacts& f) { f.service_problem = "the mdatp service has failed"; },
       Status::kFail, S::kServiceDown},
      {"health timed out", [](MdeState& s, MdeInstallFacts&) { s.health_timed_out = true; },
       Status::kWarn, S::kHealthTimedOut},
      {"not onboarded", [](MdeState& s, MdeInstallFacts&) { s.onboarded = false; }, Status::kWarn,
       S::kNotOnboarded},
      {"onboarding unknown", [](MdeState& s, MdeInstallFacts&) { s.onboarded.reset(); },
       Status::kWarn, S::kOnboardingUnknown},
      {"unhealthy", [](MdeState& s, MdeInstallFacts&) { s.healthy = false; }, Status::kFail,
       S::kUnhealthy},
      {"healthy", [](MdeState& s, MdeInstallFacts&) { s.healthy = true; }, Status::kPass,
       S::kHealthy},
      {"health needs the live machine, a tree was read",
       [](MdeState&, MdeInstallFacts& f) {
         f.live = false;
         f.health_needs_live = true;
       },
       Status::kPass, S::kHealthNotChecked},
      {"health unknown on a tree where it needs no live machine",
       [](MdeState&, MdeInstallFacts& f) { f.live = false; }, Status::kWarn, S::kHealthUnknown},
      {"health unknown on the live machine",
       [](MdeState&, MdeInstallFacts& f) { f.health_needs_live = true; }, Status::kWarn,
       S::kHealthUnknown},
  };
  for (const Row& row : rows) {
    MdeState state = Onboarded();
    MdeInstallFacts facts(state);
    row.set(state, facts);
    const MdeInstallVerdict verdict = EvaluateMdeInstall(facts);
    EXPECT_EQ(verdict.status, row.status) << row.what;
    EXPECT_EQ(verdict.state, row.state) << row.what;
  }
}

const MdeInstallWords kWords = {
    .install_unknown = "check by hand",
    .not_onboarded_reason = "no onboarding file",
    .unlicensed_reason = "no license",
    .not_onboarded = "onboard it",
    .onboarding_unknown = "look",
    .unhealthy = "fix it",
    .health_unknown = "ask it",
    .legacy_mma_summary = "legacy",
    .legacy_mma = "go unified",
    .corrupt_summary = "corrupt",
    .corrupt = "reinstall",
    .conflicting_apps = "remove them",
    .service_down = "start it",
    .health_timed_out = "wait",
};

TEST(DescribeMdeInstall, OneWordingWithEachOsWords) {
  MdeState state = Onboarded();
  state.healthy = false;
  state.health_issues = {"the Sense service is inactive", "Sense last connected 9 days ago"};
  MdeInstallFacts facts(state);
  CheckResult r = DescribeMdeInstall(facts, EvaluateMdeInstall(facts), kWords);
  EXPECT_EQ(r.status, Status::kFail);
  EXPECT_EQ(r.summary,
            "MDE 101.24082.0004 is onboarded to organization org-1 but unhealthy: the Sense "
            "service is inactive; Sense last connected 9 days ago.");
  EXPECT_EQ(r.remediation, "fix it");
  EXPECT_EQ(r.report.at("mde").at("healthy"), false);

  MdeState unlicensed = Onboarded();
  unlicensed.onboarded = false;
  unlicensed.onboarding_file = true;
  unlicensed.health_issues = {"missing license", "no connection"};
  MdeInstallFacts not_onboarded(unlicensed);
  r = DescribeMdeInstall(not_onboarded, EvaluateMdeInstall(not_onboarded), kWords);
  EXPECT_EQ(r.summary,
            "MDE 101.24082.0004 is installed but not onboarded (no license). Other health issues: "
            "no connection.");
  EXPECT_EQ(r.remediation, "onboard it");

  MdeState tree = Onboarded();
  MdeInstallFacts from_tree(tree);
  from_tree.live = false;
  from_tree.health_needs_live = true;
  r = DescribeMdeInstall(from_tree, EvaluateMdeInstall(from_tree), kWords);
  EXPECT_EQ(r.status, Status::kPass);
  EXPECT_EQ(r.summary,
            "MDE 101.24082.0004 is installed and onboarded to organization org-1; its health was "
            "not checked because a file tree is inspected, not the running machine.");
  EXPECT_TRUE(r.remediation.empty());
}

}  // namespace
}  // namespace preflight

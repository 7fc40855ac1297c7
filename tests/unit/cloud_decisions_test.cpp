// The decision of each cloud check, over the plain facts it gathers: tables, no fixtures, no ARM.

#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "probes/azure/direct_onboarding_check.h"
#include "probes/azure/effective_plan.h"
#include "probes/azure/extension_check.h"
#include "probes/azure/integration_check.h"
#include "probes/azure/org_match_check.h"
#include "probes/azure/plan_check.h"
#include "probes/azure/vulnerability_assessment_check.h"
#include "probes/azure/vulnerability_findings_check.h"

namespace preflight {
namespace {

using cloud::EffectivePlan;
using cloud::PlanLevel;
using cloud::PlanSource;

PricingInfo Pricing(const std::string& tier, const std::string& sub_plan,
                    std::optional<bool> inherited = std::nullopt) {
  PricingInfo p;
  p.valid = true;
  p.tier = tier;
  p.sub_plan = sub_plan;
  p.inherited = inherited;
  return p;
}

const PricingInfo kFree = Pricing("Free", "");
const PricingInfo kP1 = Pricing("Standard", "P1");
const PricingInfo kP2 = Pricing("Standard", "P2");
const PricingInfo kLegacy = Pricing("Standard", "");
const PricingInfo kOwnP1 = Pricing("Standard", "P1", false);
const PricingInfo kOwnFree = Pricing("Free", "", false);
const PricingInfo kInheritedP2 = Pricing("Standard", "P2", true);

TEST(EffectivePlan, TheMachinesPricingWinsOverTheSubscriptions) {
  struct Row {
    std::optional<PricingInfo> sub, machine;
    PlanLevel level;
    PlanSource source;
    bool overrides;
  };
  const std::vector<Row> rows = {
      {std::nullopt, std::nullopt, PlanLevel::kUnknown, PlanSource::kNone, false},
      {kP2, std::nullopt, PlanLevel::kP2, PlanSource::kSubscription, false},
      {kFree, std::nullopt, PlanLevel::kFree, PlanSource::kSubscription, false},
      {kLegacy, std::nullopt, PlanLevel::kP2, PlanSource::kSubscription, false},
      {kP2, kInheritedP2, PlanLevel::kP2, PlanSource::kMachineInherited, false},
      {kP2, kOwnP1, PlanLevel::kP1, PlanSource::kMachineOwn, false},
      {kFree, kOwnP1, PlanLevel::kP1, PlanSource::kMachineOwn, true},
      {kP1, kOwnFree, PlanLevel::kFree, PlanSource::kMachineOwn, true},
      {std::nullopt, kOwnP1, PlanLevel::kP1, PlanSource::kMachineOwn, false},
  };
  for (std::size_t i = 0; i < rows.size(); ++i) {
    SCOPED_TRACE(i);
    const EffectivePlan plan{rows[i].sub, rows[i].machine};
    EXPECT_EQ(plan.Level(), rows[i].level);
    EXPECT_EQ(plan.Source(), rows[i].source);
    EXPECT_EQ(plan.MachineOverridesTier(), rows[i].overrides);
  }
  EXPECT_EQ(cloud::PlanName(kP2), "Plan 2 (P2)");
  EXPECT_EQ(cloud::PlanName(kLegacy), "Standard");
  EXPECT_EQ(cloud::PlanName(kFree), "Free (off)");
}

TEST(DecidePlan, FreeFailsAndEveryPlanPasses) {
  PricingInfo trial = kP1;
  trial.free_trial_remaining = "P29DT23H";
  PricingInfo enforced = kP2;
  enforced.enforce = true;
  struct Row {
    EffectivePlan plan;
    Status status;
    PlanLevel level;
    bool legacy, trial, overrides, enforced;
  };
  const std::vector<Row> rows = {
      {{}, Status::kPass, PlanLevel::kUnknown, false, false, false, false},
      {{kFree, {}}, Status::kFail, PlanLevel::kFree, false, false, false, false},
      {{kP2, {}}, Status::kPass, PlanLevel::kP2, false, false, false, false},
      {{kLegacy, {}}, Status::kPass, PlanLevel::kP2, true, false, false, false},
      {{trial, {}}, Status::kPass, PlanLevel::kP1, false, true, false, false},
      {{kFree, kOwnP1}, Status::kPass, PlanLevel::kP1, false, false, true, false},
      {{kP1, kOwnFree}, Status::kFail, PlanLevel::kFree, false, false, true, false},
      {{enforced, kInheritedP2}, Status::kPass, PlanLevel::kP2, false, false, false, true},
  };
  for (std::size_t i = 0; i < rows.size(); ++i) {
    SCOPED_TRACE(i);
    const PlanDecision d = DecidePlan(rows[i].plan);
    EXPECT_EQ(d.status, rows[i].status);
    EXPECT_EQ(d.level, rows[i].level);
    EXPECT_EQ(d.legacy_standard, rows[i].legacy);
    EXPECT_EQ(d.in_free_trial, rows[i].trial);
    EXPECT_EQ(d.overrides_subscription, rows[i].overrides);
    EXPECT_EQ(d.enforced, rows[i].enforced);
  }
}

TEST(DecideVa, ThePlanThatAppliesToTheMachineDecides) {
  using S = VaFacts::Setting;
  struct Row {
    VaFacts facts;
    VaVerdict verdict;
  };
  const std::vector<Row> rows = {
      {{PlanLevel::kP2, S::kUnreadable, ""}, VaVerdict::kUnknown},
      {{PlanLevel::kP2, S::kNotSet, ""}, VaVerdict::kNotSet},
      {{PlanLevel::kUnknown, S::kNotSet, ""}, VaVerdict::kNotSet},
      {{PlanLevel::kP1, S::kNotSet, ""}, VaVerdict::kNotSetOnP1},
      {{PlanLevel::kP2, S::kSet, "Qualys"}, VaVerdict::kOtherProvider},
      {{PlanLevel::kP1, S::kSet, "Qualys"}, VaVerdict::kOtherProvider},
      {{PlanLevel::kP2, S::kSet, "MdeTvm"}, VaVerdict::kMdeTvm},
      {{PlanLevel::kP2, S::kSet, "mdetvm"}, VaVerdict::kMdeTvm},
      {{PlanLevel::kUnknown, S::kSet, "MdeTvm"}, VaVerdict::kMdeTvm},
      {{PlanLevel::kP1, S::kSet, "MdeTvm"}, VaVerdict::kMdeTvmOnP1},
      {{PlanLevel::kFree, S::kSet, "MdeTvm"}, VaVerdict::kMdeTvmPlanOff},
  };
  for (std::size_t i = 0; i < rows.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(DecideVa(rows[i].facts), rows[i].verdict);
  }
}

TEST(DecideIntegration, WdatpAndTheLegacySettings) {
  using W = IntegrationDecision::Wdatp;
  struct Row {
    IntegrationFacts facts;
    W wdatp;
    bool linux_excluded, unified_missing;
  };
  const std::vector<Row> rows = {
      {{std::nullopt, std::nullopt, std::nullopt, false, false}, W::kUnknown, false, false},
      {{false, std::nullopt, std::nullopt, false, false}, W::kOff, false, false},
      {{true, false, true, false, false}, W::kOn, false, false},
      {{true, true, true, false, false}, W::kOn, true, false},          // Linux excluded
      {{false, true, true, false, false}, W::kOff, false, false},       // WDATP off says it already
      {{true, true, true, true, false}, W::kOn, false, false},          // Windows: not concerned
      {{true, false, false, true, true}, W::kOn, false, true},          // 2012 R2 / 2016
      {{true, false, false, true, false}, W::kOn, false, false},        // newer Windows
      {{true, false, std::nullopt, true, true}, W::kOn, false, false},  // not reported
  };
  for (std::size_t i = 0; i < rows.size(); ++i) {
    SCOPED_TRACE(i);
    const IntegrationDecision d = DecideIntegration(rows[i].facts);
    EXPECT_EQ(d.wdatp, rows[i].wdatp);
    EXPECT_EQ(d.linux_excluded, rows[i].linux_excluded);
    EXPECT_EQ(d.unified_missing, rows[i].unified_missing);
  }
}

TEST(DecideDirectOnboarding, TheDesignatedFlagAndThePlan) {
  using V = DirectOnboardingVerdict;
  const std::vector<std::pair<DirectOnboardingFacts, V>> rows = {
      {{true, PlanLevel::kP1}, V::kDesignated},
      {{true, PlanLevel::kUnknown}, V::kDesignated},
      {{true, PlanLevel::kFree}, V::kDesignatedPlanOff},
      {{false, PlanLevel::kP2}, V::kNotDesignated},
      {{std::nullopt, PlanLevel::kP2}, V::kNoFlag},
  };
  for (std::size_t i = 0; i < rows.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(DecideDirectOnboarding(rows[i].first), rows[i].second);
  }
}

TEST(DecideOrgMatch, BothIdsOrNothing) {
  EXPECT_EQ(DecideOrgMatch({"a", "a"}), OrgMatchVerdict::kMatch);
  EXPECT_EQ(DecideOrgMatch({"a", "b"}), OrgMatchVerdict::kMismatch);
  EXPECT_EQ(DecideOrgMatch({"a", ""}), OrgMatchVerdict::kUnknown);
  EXPECT_EQ(DecideOrgMatch({"", "a"}), OrgMatchVerdict::kUnknown);
}

ArmExtension Extension(const std::string& state, const std::string& level,
                       const std::string& code = "ProvisioningState/succeeded") {
  ArmExtension ext;
  ext.valid = true;
  ext.provisioning_state = state;
  ext.statuses.push_back({code, level, "", "", "2024-03-01T12:58:26.522Z"});
  return ext;
}

TEST(ClassifyExtension, ProvisioningStateAndLevels) {
  using E = ArmExtensionState;
  const std::vector<std::pair<ArmExtension, E>> rows = {
      {Extension("Succeeded", "Info"), E::kSucceeded},
      {Extension("succeeded", "Info"), E::kSucceeded},
      {Extension("Succeeded", "Warning"), E::kWarning},
      {Extension("Succeeded", "Error"), E::kFailed},
      {Extension("Failed", "Info"), E::kFailed},
      {Extension("Creating", "Info"), E::kTransitioning},
      {Extension("Updating", "Info"), E::kTransitioning},
      {Extension("Deleting", "Info"), E::kTransitioning},
      {Extension("Succeeded", "Info", "ProvisioningState/transitioning"), E::kTransitioning},
      {Extension("Canceled", "Info"), E::kOtherState},
  };
  for (std::size_t i = 0; i < rows.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(ClassifyExtension(rows[i].first), rows[i].second);
  }
}

TEST(DecideAbsent, OnboardedElsewhereThenThePlan) {
  using A = AbsentVerdict;
  const std::vector<std::pair<AbsentFacts, A>> rows = {
      {{true, PlanLevel::kFree}, A::kInstalledOtherwise},
      {{false, PlanLevel::kFree}, A::kNeverDeployed},
      {{std::nullopt, PlanLevel::kFree}, A::kNeverDeployed},
      {{false, PlanLevel::kP1}, A::kPendingOnPlan},
      {{false, PlanLevel::kP2}, A::kPendingOnPlan},
      {{false, PlanLevel::kUnknown}, A::kPending},
  };
  for (std::size_t i = 0; i < rows.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(DecideAbsent(rows[i].first), rows[i].second);
  }
}

TEST(CompareWithLocal, ArmAgainstTheStatusFiles) {
  using C = LocalComparison;
  LocalExtensionView unread;
  LocalExtensionView none;
  none.read = true;
  const auto local = [](const std::string& status) {
    LocalExtensionView v;
    v.read = true;
    v.found = true;
    v.status = status;
    return v;
  };
  const ArmExtension ok = Extension("Succeeded", "Info");
  const ArmExtension failed = Extension("Failed", "Error");
  const ArmExtension creating = Extension("Creating", "Info");
  struct Row {
    const ArmExtension* ext;
    LocalExtensionView view;
    C comparison;
  };
  const std::vector<Row> rows = {
      {&ok, unread, C::kNotCompared},       {nullptr, unread, C::kNotCompared},
      {nullptr, none, C::kNotCompared},     {nullptr, local("success"), C::kLeftoverFolder},
      {&ok, none, C::kNoLocalFolder},       {&ok, local("error"), C::kLocalError},
      {&ok, local("success"), C::kAgree},   {&failed, local("success"), C::kLocalRecovered},
      {&failed, local("error"), C::kAgree}, {&creating, local("error"), C::kAgree},
  };
  for (std::size_t i = 0; i < rows.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(CompareWithLocal(rows[i].ext, rows[i].view), rows[i].comparison);
  }
}

TEST(DecideFindings, AssessmentListAgeAndTheRetirement) {
  using A = VulnerabilityFindingsFacts::Assessment;
  using L = VulnerabilityFindingsFacts::List;
  using V = FindingsVerdict;
  using std::chrono::hours;
  struct Row {
    VulnerabilityFindingsFacts facts;
    V verdict;
    bool explain_retirement;
  };
  const std::vector<Row> rows = {
      {{A::kUnreadable, L::kNotRead, 0, std::nullopt, true}, V::kUnknown, false},
      {{A::kHealthy, L::kNotRead, 0, std::nullopt, true}, V::kHealthy, false},
      {{A::kOther, L::kNotRead, 0, std::nullopt, true}, V::kOtherStatus, false},
      {{A::kUnhealthy, L::kRead, 3, std::nullopt, true}, V::kVulnerable, false},
      {{A::kUnhealthy, L::kRead, 0, std::nullopt, false}, V::kUnlisted, false},
      {{A::kUnhealthy, L::kRead, 0, std::nullopt, true}, V::kUnlisted, true},
      {{A::kUnhealthy, L::kFailed, 0, std::nullopt, true}, V::kUnlisted, true},
      {{A::kNotFound, L::kNotRead, 0, hours(3), true}, V::kNotYet, false},
      {{A::kNotFound, L::kNotRead, 0, hours(13), false}, V::kOverdue, false},
      {{A::kNotFound, L::kNotRead, 0, hours(13), true}, V::kOverdue, true},
      {{A::kNotFound, L::kNotRead, 0, std::nullopt, false}, V::kNoResult, false},
      {{A::kNotFound, L::kNotRead, 0, std::nullopt, true}, V::kNoResult, true},
  };
  for (std::size_t i = 0; i < rows.size(); ++i) {
    SCOPED_TRACE(i);
    const FindingsDecision d = DecideFindings(rows[i].facts);
    EXPECT_EQ(d.verdict, rows[i].verdict);
    EXPECT_EQ(d.explain_retirement, rows[i].explain_retirement);
  }
}

}  // namespace
}  // namespace preflight

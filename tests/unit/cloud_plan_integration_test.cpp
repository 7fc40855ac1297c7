// Unit tests of azure.plan, azure.integration, azure.vulnerability_assessment and
// azure.direct_onboarding over the fake ARM client, plus the behaviour every cloud check shares
// (offline, no identity, AuthorizationFailed, malformed bodies).

#include <gtest/gtest.h>

#include "agent/check_registry.h"
#include "probes/azure/direct_onboarding_check.h"
#include "probes/azure/edr_check.h"
#include "probes/azure/extension_check.h"
#include "probes/azure/integration_check.h"
#include "probes/azure/org_match_check.h"
#include "probes/azure/plan_check.h"
#include "probes/azure/vulnerability_assessment_check.h"
#include "probes/azure/vulnerability_findings_check.h"
#include "tests/unit/cloud_fixture.h"

namespace preflight {
namespace {

using testing::ArmAuthorizationFailed;
using testing::ArmFail;
using testing::ArmOk;
using testing::CloudWorld;
using testing::Contains;
namespace shapes = testing::arm_shapes;

const std::string kSubPricing =
    shapes::SubScope() + "/providers/Microsoft.Security/pricings/VirtualMachines";
const std::string kVmPricing =
    std::string(shapes::kVmId) + "/providers/Microsoft.Security/pricings/VirtualMachines";
const std::string kSettings = shapes::SubScope() + "/providers/Microsoft.Security/settings";
const std::string kVa = shapes::SubScope() +
                        "/providers/Microsoft.Security/serverVulnerabilityAssessmentsSettings/"
                        "azureServersSetting";

const nlohmann::json& Cloud(const CheckResult& r) { return r.report.at("cloud"); }

// ---- shared behaviour -------------------------------------------------------------------

// Made by the registry, which names them: each error record must carry the registered id.
std::vector<std::unique_ptr<Check>> AllCloudChecks() {
  std::vector<std::unique_ptr<Check>> checks;
  for (const char* id :
       {"azure.plan", "azure.integration", "azure.vulnerability_assessment", "azure.extension",
        "azure.vulnerability_findings", "azure.org_match", "azure.edr"}) {
    checks.push_back(MakeCheck(id));
  }
  return checks;
}

TEST(CloudChecks, OfflineSkipsWithoutAskingAzure) {
  for (const auto& check : AllCloudChecks()) {
    SCOPED_TRACE(std::string(check->Id()));
    CloudWorld world;
    const CheckResult r = check->Run(world.Ctx(/*offline=*/true));
    EXPECT_EQ(r.status, Status::kSkip);
    EXPECT_EQ(r.evidence.at("reason"), "offline");
    EXPECT_TRUE(r.report.empty());
    EXPECT_TRUE(world.arm.calls().empty());
  }
  CloudWorld world;
  Context ctx = world.Ctx();
  ctx.cloud = nullptr;
  const CheckResult r = PlanCheck().Run(ctx);
  EXPECT_EQ(r.status, Status::kSkip);
  EXPECT_EQ(r.evidence.at("reason"), "no_cloud_access");
}

TEST(CloudChecks, NoIdentityWarnsWithTheReasonAndTheRole) {
  nlohmann::json first_cause;
  for (const auto& check : AllCloudChecks()) {
    SCOPED_TRACE(std::string(check->Id()));
    CloudWorld world;
    // MDE onboarded here, so that azure.org_match has something to compare.
    world.fs.AddFile(
        "/etc/opt/microsoft/mdatp/mdatp_onboard.json",
        R"({"onboardingInfo": {"body": {"orgId": ")" + std::string(shapes::kOrgId) + R"("}}})");
    world.access.arm = nullptr;
    world.access.identity_error = azure::ArmError{
        400, std::string(azure::kNoIdentity),
        "ManagedIdentityCredential authentication unavailable. No identity has been assigned to "
        "this resource.",
        "", ""};
    const CheckResult r = check->Run(world.Ctx());
    EXPECT_EQ(r.status, Status::kWarn);
    EXPECT_TRUE(Contains(r.summary, "No identity has been assigned")) << r.summary;
    EXPECT_TRUE(Contains(r.remediation, "Security Reader")) << r.remediation;
    EXPECT_EQ(r.evidence.at("reason"), "no_identity");
    const auto& error = Cloud(r).at("errors").at(0);
    EXPECT_EQ(error.at("check"), check->Id());
    EXPECT_EQ(error.at("code"), "NoIdentity");
    EXPECT_TRUE(error.at("request_id").is_null());
    // One cause, the same for every cloud check, so that a report can say it once.
    const nlohmann::json& cause = r.evidence.at("cause");
    EXPECT_EQ(cause.at("id"), "azure.no_identity");
    EXPECT_TRUE(Contains(cause.at("summary"), "No identity has been assigned")) << cause;
    EXPECT_EQ(cause.at("remediation"), r.remediation);
    if (first_cause.is_null()) first_cause = cause;
    EXPECT_EQ(cause, first_cause);
  }
}

TEST(CloudChecks, NotApplicableOutsideAzureBeforeAnyIdentityIsNeeded) {
  // Outside Azure there is no extension and no assessment to read, identity or not: both say so
  // with one shared cause; azure.org_match has nothing to compare without a local organisation.
  nlohmann::json causes = nlohmann::json::array();
  for (const Check* check :
       std::initializer_list<const Check*>{new ExtensionCheck(), new VulnerabilityFindingsCheck(),
                                           new OrgMatchCheck(), new EdrCheck()}) {
    std::unique_ptr<const Check> owned(check);
    SCOPED_TRACE(std::string(check->Id()));
    CloudWorld world(azure::EnvironmentKind::kOther);
    world.access.arm = nullptr;
    const CheckResult r = check->Run(world.Ctx());
    EXPECT_EQ(r.status, Status::kSkip) << r.summary;
    EXPECT_FALSE(r.evidence.at("reason") == "no_identity");
    if (r.evidence.contains("cause")) causes.push_back(r.evidence.at("cause"));
  }
  ASSERT_EQ(causes.size(), 3U);
  EXPECT_EQ(causes[0].at("id"), "azure.outside_azure");
  EXPECT_EQ(causes[0], causes[1]);
  EXPECT_EQ(causes[0], causes[2]);
}

TEST(CloudChecks, TransportErrorsAreWarningsThatSayWhatCouldNotBeLearned) {
  // Nothing scripted: every request fails with the fake's TransportError.
  for (const auto& check : AllCloudChecks()) {
    SCOPED_TRACE(std::string(check->Id()));
    CloudWorld world;
    world.fs.AddFile(
        "/etc/opt/microsoft/mdatp/mdatp_onboard.json",
        R"({"onboardingInfo": {"body": {"orgId": ")" + std::string(shapes::kOrgId) + R"("}}})");
    const CheckResult r = check->Run(world.Ctx());
    EXPECT_EQ(r.status, Status::kWarn) << r.summary;
    EXPECT_TRUE(Contains(r.summary, "Could not learn")) << r.summary;
    EXPECT_FALSE(r.report.at("cloud").at("errors").empty());
    EXPECT_EQ(r.evidence.at("errors"), r.report.at("cloud").at("errors"));
  }
}

// ---- azure.plan ------------------------------------------------------------------------

TEST(PlanCheck, P2InheritedPasses) {
  CloudWorld world;
  world.PlanP2();
  const CheckResult r = PlanCheck().Run(world.Ctx());
  EXPECT_EQ(r.status, Status::kPass) << r.summary;
  EXPECT_TRUE(Contains(r.summary, "Plan 2 (P2)")) << r.summary;
  EXPECT_TRUE(Contains(r.summary, "inherited from subscription")) << r.summary;
  EXPECT_EQ(Cloud(r).at("pricing_tier"), "Standard");
  EXPECT_EQ(Cloud(r).at("sub_plan"), "P2");
  EXPECT_TRUE(Cloud(r).at("errors").empty());
  EXPECT_EQ(r.evidence.at("effective_scope"), "inherited");
  EXPECT_EQ(r.evidence.at("resource").at("inherited_from"), shapes::SubScope());
  EXPECT_EQ(r.evidence.at("subscription").at("extensions").at("MdeDesignatedSubscription"), false);
}

TEST(PlanCheck, FreeFailsBecauseMdeWillNotBeDeployed) {
  CloudWorld world;
  shapes::Pricing free;
  free.tier = "Free";
  world.Plan(free, free);
  const CheckResult r = PlanCheck().Run(world.Ctx());
  EXPECT_EQ(r.status, Status::kFail);
  EXPECT_TRUE(Contains(r.summary, "will not deploy MDE")) << r.summary;
  EXPECT_TRUE(Contains(r.remediation, "Plan 1 or Plan 2")) << r.remediation;
  EXPECT_EQ(Cloud(r).at("pricing_tier"), "Free");
  EXPECT_TRUE(Cloud(r).at("sub_plan").is_null());
}

TEST(PlanCheck, P1PassesWithANoteThatThereIsNoMdvm) {
  CloudWorld world;
  shapes::Pricing p1;
  p1.sub_plan = "P1";
  p1.free_trial = "P29DT23H";
  world.Plan(p1, p1);
  const CheckResult r = PlanCheck().Run(world.Ctx());
  EXPECT_EQ(r.status, Status::kPass);
  EXPECT_TRUE(Contains(r.summary, "Plan 1")) << r.summary;
  EXPECT_TRUE(Contains(r.summary, "no Defender Vulnerability Management")) << r.summary;
  EXPECT_TRUE(Contains(r.summary, "free trial (P29DT23H left)")) << r.summary;
  EXPECT_EQ(Cloud(r).at("sub_plan"), "P1");
}

TEST(PlanCheck, MachineOverrideWinsOverTheSubscription) {
  CloudWorld world;
  shapes::Pricing free;
  free.tier = "Free";
  shapes::Pricing own;
  own.sub_plan = "P1";
  own.inherited = false;
  world.Plan(free, own);
  const CheckResult r = PlanCheck().Run(world.Ctx());
  EXPECT_EQ(r.status, Status::kPass) << r.summary;
  EXPECT_TRUE(Contains(r.summary, "set on the machine itself")) << r.summary;
  EXPECT_TRUE(Contains(r.summary, "overrides the subscription's (Free (off))")) << r.summary;
  EXPECT_EQ(r.evidence.at("effective_scope"), "resource");
  EXPECT_EQ(Cloud(r).at("sub_plan"), "P1");
}

TEST(PlanCheck, AuthorizationFailedNamesTheActionAndTheRole) {
  CloudWorld world;
  world.arm.OnGet(kSubPricing, "2024-01-01",
                  ArmAuthorizationFailed("Microsoft.Security/pricings/read", shapes::SubScope()));
  world.arm.OnGet(kVmPricing, "2024-01-01",
                  ArmAuthorizationFailed("Microsoft.Security/pricings/read", shapes::kVmId));
  const CheckResult r = PlanCheck().Run(world.Ctx());
  EXPECT_EQ(r.status, Status::kWarn);
  EXPECT_TRUE(Contains(r.summary, "Microsoft.Security/pricings/read")) << r.summary;
  EXPECT_TRUE(Contains(r.summary, "request id req-403")) << r.summary;
  EXPECT_TRUE(
      Contains(r.remediation, "Security Reader role on subscription " + std::string(shapes::kSub)))
      << r.remediation;
  ASSERT_EQ(Cloud(r).at("errors").size(), 2U);
  EXPECT_EQ(Cloud(r).at("errors")[0].at("code"), "AuthorizationFailed");
  EXPECT_EQ(Cloud(r).at("errors")[0].at("request_id"), "req-403");
  EXPECT_TRUE(Cloud(r).at("pricing_tier").is_null());
}

TEST(PlanCheck, OneScopeFailingStillJudgesTheOther) {
  CloudWorld world;
  world.arm.OnGet(kSubPricing, "2024-01-01",
                  ArmOk(shapes::PricingBody(shapes::SubScope(), {}, false)));
  world.arm.OnGet(kVmPricing, "2024-01-01", ArmFail(500, "InternalServerError", "boom", "req-500"));
  const CheckResult r = PlanCheck().Run(world.Ctx());
  EXPECT_EQ(r.status, Status::kWarn);
  EXPECT_TRUE(Contains(r.summary, "InternalServerError (HTTP 500) boom (request id req-500)"))
      << r.summary;
  EXPECT_EQ(Cloud(r).at("sub_plan"), "P2");  // the subscription's answer is still used
}

TEST(PlanCheck, MalformedBodiesWarnAndNeverCrash) {
  for (const nlohmann::json& body :
       {nlohmann::json("text"), nlohmann::json::array(), nlohmann::json{{"properties", 5}},
        nlohmann::json{{"properties", {{"pricingTier", 7}}}}, nlohmann::json(nullptr)}) {
    SCOPED_TRACE(body.dump());
    CloudWorld world;
    world.arm.OnGet(kSubPricing, "2024-01-01", ArmOk(body));
    world.arm.OnGet(kVmPricing, "2024-01-01", ArmOk(body));
    const CheckResult r = PlanCheck().Run(world.Ctx());
    EXPECT_EQ(r.status, Status::kWarn);
    EXPECT_EQ(Cloud(r).at("errors")[0].at("code"), "MalformedResponse");
  }
}

TEST(PlanCheck, OutsideAzureUsesTheDesignatedSubscription) {
  CloudWorld world(azure::EnvironmentKind::kOther);
  world.access.designated_subscription = shapes::kSub;
  world.PlanP2();
  const CheckResult r = PlanCheck().Run(world.Ctx());
  EXPECT_EQ(r.status, Status::kPass) << r.summary;
  EXPECT_EQ(r.evidence.at("effective_scope"), "subscription");

  CloudWorld bare(azure::EnvironmentKind::kOther);
  const CheckResult none = PlanCheck().Run(bare.Ctx());
  EXPECT_EQ(none.status, Status::kWarn);
  EXPECT_EQ(none.evidence.at("reason"), "no_subscription");
  EXPECT_TRUE(bare.arm.calls().empty());
}

// ---- azure.integration -----------------------------------------------------------------

TEST(IntegrationCheck, WdatpOnPasses) {
  CloudWorld world;
  world.arm.OnList(kSettings, "2022-05-01", ArmOk(shapes::DefaultSettings()));
  const CheckResult r = IntegrationCheck().Run(world.Ctx());
  EXPECT_EQ(r.status, Status::kPass) << r.summary;
  EXPECT_EQ(Cloud(r).at("mde_integration_enabled"), true);
  EXPECT_EQ(r.evidence.at("settings").at("WDATP_EXCLUDE_LINUX_PUBLIC_PREVIEW"), false);
}

TEST(IntegrationCheck, WdatpOffFails) {
  CloudWorld world;
  world.arm.OnList(kSettings, "2022-05-01", ArmOk(shapes::DefaultSettings(/*wdatp=*/false)));
  const CheckResult r = IntegrationCheck().Run(world.Ctx());
  EXPECT_EQ(r.status, Status::kFail);
  EXPECT_TRUE(Contains(r.summary, "is off on subscription")) << r.summary;
  EXPECT_TRUE(Contains(r.remediation, "Endpoint protection")) << r.remediation;
  EXPECT_EQ(Cloud(r).at("mde_integration_enabled"), false);
}

TEST(IntegrationCheck, LinuxExcludedFailsOnLinuxOnly) {
  CloudWorld world;
  world.arm.OnList(kSettings, "2022-05-01",
                   ArmOk(shapes::DefaultSettings(true, /*exclude_linux=*/true)));
  const CheckResult r = IntegrationCheck().Run(world.Ctx());
  EXPECT_EQ(r.status, Status::kFail);
  EXPECT_TRUE(Contains(r.summary, "excludes Linux")) << r.summary;
  EXPECT_EQ(Cloud(r).at("mde_integration_enabled"), true);

  CloudWorld windows;
  windows.access.machine.os_type = "Windows";
  windows.system.uname = {"Windows", "h", "10.0.20348", "x86_64"};
  windows.arm.OnList(kSettings, "2022-05-01",
                     ArmOk(shapes::DefaultSettings(true, /*exclude_linux=*/true)));
  EXPECT_EQ(IntegrationCheck().Run(windows.Ctx()).status, Status::kPass);
}

TEST(IntegrationCheck, UnifiedSolutionMattersOnlyForWindowsServer2016And2012R2) {
  for (const auto& [release, expected] :
       std::vector<std::pair<std::string, Status>>{{"10.0.14393", Status::kWarn},
                                                   {"6.3.9600", Status::kWarn},
                                                   {"10.0.20348", Status::kPass}}) {
    SCOPED_TRACE(release);
    CloudWorld world;
    world.access.machine.os_type = "Windows";
    world.system.uname = {"Windows", "h", release, "x86_64"};
    world.arm.OnList(kSettings, "2022-05-01",
                     ArmOk(shapes::DefaultSettings(true, false, /*unified=*/false)));
    const CheckResult r = IntegrationCheck().Run(world.Ctx());
    EXPECT_EQ(r.status, expected) << r.summary;
  }
  EXPECT_TRUE(IsLegacyWindowsServer("6.3.9600"));
  EXPECT_FALSE(IsLegacyWindowsServer("10.0.17763"));
}

TEST(IntegrationCheck, MissingWdatpIsUnknownAndMalformedListWarns) {
  CloudWorld world;
  world.arm.OnList(kSettings, "2022-05-01", ArmOk(shapes::SettingsListBody({{"MCAS", true}})));
  const CheckResult r = IntegrationCheck().Run(world.Ctx());
  EXPECT_EQ(r.status, Status::kWarn);
  EXPECT_TRUE(Cloud(r).at("mde_integration_enabled").is_null());

  CloudWorld bad;
  bad.arm.OnList(kSettings, "2022-05-01", ArmOk({{"value", "nope"}}));
  const CheckResult m = IntegrationCheck().Run(bad.Ctx());
  EXPECT_EQ(m.status, Status::kWarn);
  EXPECT_EQ(Cloud(m).at("errors")[0].at("code"), "MalformedResponse");
}

// ---- azure.vulnerability_assessment ----------------------------------------------------

TEST(VulnerabilityAssessmentCheck, MdeTvmPasses) {
  CloudWorld world;
  world.PlanP2();
  world.arm.OnGet(kVa, "2023-05-01", ArmOk(shapes::VaSettingBody()));
  const CheckResult r = VulnerabilityAssessmentCheck().Run(world.Ctx());
  EXPECT_EQ(r.status, Status::kPass) << r.summary;
  EXPECT_EQ(Cloud(r).at("vulnerability_assessment_provider"), "MdeTvm");
}

TEST(VulnerabilityAssessmentCheck, NotSetIsA404Warning) {
  CloudWorld world;
  world.PlanP2();
  world.arm.OnGet(kVa, "2023-05-01", ArmFail(404, "NotFound", shapes::VaNotFoundMessage()));
  const CheckResult r = VulnerabilityAssessmentCheck().Run(world.Ctx());
  EXPECT_EQ(r.status, Status::kWarn);
  EXPECT_TRUE(Contains(r.summary, "No vulnerability assessment provider")) << r.summary;
  EXPECT_EQ(r.evidence.at("setting"), "not_set");
  EXPECT_TRUE(Cloud(r).at("vulnerability_assessment_provider").is_null());
  EXPECT_TRUE(Cloud(r).at("errors").empty());  // not set is an answer, not an error
}

TEST(VulnerabilityAssessmentCheck, PlanOneHasNoMdvm) {
  CloudWorld world;
  shapes::Pricing p1;
  p1.sub_plan = "P1";
  world.Plan(p1, p1);
  world.arm.OnGet(kVa, "2023-05-01", ArmOk(shapes::VaSettingBody()));
  const CheckResult r = VulnerabilityAssessmentCheck().Run(world.Ctx());
  EXPECT_EQ(r.status, Status::kWarn);
  EXPECT_TRUE(Contains(r.summary, "Plan 1 does not include")) << r.summary;
  EXPECT_EQ(Cloud(r).at("vulnerability_assessment_provider"), "MdeTvm");

  CloudWorld unset;
  unset.Plan(p1, p1);
  unset.arm.OnGet(kVa, "2023-05-01", ArmFail(404, "NotFound", shapes::VaNotFoundMessage()));
  const CheckResult u = VulnerabilityAssessmentCheck().Run(unset.Ctx());
  EXPECT_TRUE(Contains(u.remediation, "Upgrade the subscription to Defender for Servers Plan 2"))
      << u.remediation;
}

// ---- azure.direct_onboarding -----------------------------------------------------------

TEST(DirectOnboardingCheck, SkipsOnAzureResources) {
  for (const auto kind : {azure::EnvironmentKind::kAzureVm, azure::EnvironmentKind::kAzureArc}) {
    CloudWorld world(kind);
    const CheckResult r = DirectOnboardingCheck().Run(world.Ctx());
    EXPECT_EQ(r.status, Status::kSkip);
    EXPECT_EQ(r.evidence.at("reason"), "azure_resource");
    EXPECT_TRUE(world.arm.calls().empty());
  }
}

TEST(DirectOnboardingCheck, DesignatedTruePassesAndSaysItIsAnInference) {
  CloudWorld world(azure::EnvironmentKind::kOther);
  world.access.designated_subscription = shapes::kSub;
  shapes::Pricing p1;
  p1.sub_plan = "P1";
  p1.designated = true;
  world.Plan(p1, p1);
  const CheckResult r = DirectOnboardingCheck().Run(world.Ctx());
  EXPECT_EQ(r.status, Status::kPass) << r.summary;
  EXPECT_TRUE(Contains(r.summary, "This is an inference")) << r.summary;
  EXPECT_EQ(r.evidence.at("inference"), true);
  EXPECT_EQ(Cloud(r).at("direct_onboarding_designated"), true);
}

TEST(DirectOnboardingCheck, DesignatedFalseWarns) {
  CloudWorld world(azure::EnvironmentKind::kOther);
  world.access.designated_subscription = shapes::kSub;
  world.PlanP2();
  const CheckResult r = DirectOnboardingCheck().Run(world.Ctx());
  EXPECT_EQ(r.status, Status::kWarn);
  EXPECT_TRUE(Contains(r.summary, "MdeDesignatedSubscription is False")) << r.summary;
  EXPECT_EQ(Cloud(r).at("direct_onboarding_designated"), false);
}

TEST(DirectOnboardingCheck, NotConfiguredSaysHowToSetIt) {
  CloudWorld world(azure::EnvironmentKind::kOther);
  const CheckResult r = DirectOnboardingCheck().Run(world.Ctx());
  EXPECT_EQ(r.status, Status::kWarn);
  EXPECT_TRUE(Contains(r.remediation, "designated_subscription")) << r.remediation;
  EXPECT_EQ(r.evidence.at("reason"), "not_configured");
  EXPECT_TRUE(world.arm.calls().empty());
}

}  // namespace
}  // namespace preflight

// The cloud checks and the token cache against Azure's own published example bodies
// (Azure/azure-rest-api-specs, kept under tests/data/azure-specs/; each test names its files and
// their api-versions). Three defects are pinned here:
// - azure.vulnerability_assessment judged the subscription's pricing only, while a machine may be
//   set to its own plan: every plan-dependent check now uses the plan that applies to the machine;
// - the onboarding time came from the extension's latest status time whatever its state: an
//   extension still Creating said "MDE was onboarded 1828 days ago";
// - a token whose expires_on had passed (clock skew) was never cached, so every ARM call fetched
//   a new one.

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "platform/azure/arm_client.h"
#include "platform/azure/azure_parsers.h"
#include "platform/azure/credentials.h"
#include "probes/azure/defender_parsers.h"
#include "probes/azure/extension_check.h"
#include "probes/azure/extension_parser.h"
#include "probes/azure/findings_parser.h"
#include "probes/azure/plan_check.h"
#include "probes/azure/vulnerability_assessment_check.h"
#include "probes/azure/vulnerability_findings_check.h"
#include "tests/fakes/fake_http_client.h"
#include "tests/unit/azure_spec_examples.h"
#include "tests/unit/cloud_fixture.h"

namespace preflight {
namespace {

using testing::ArmFail;
using testing::ArmOk;
using testing::CloudWorld;
using testing::Contains;
using testing::SpecResponse;

constexpr const char* kSecurity = "specification/security/resource-manager/Microsoft.Security/";
// api-version 2024-01-01: the subscription's Defender for Servers pricing, Standard P2.
const std::string kSubPricingP2 =
    std::string(kSecurity) +
    "stable/2024-01-01/examples/Pricings/GetPricingByNameVirtualMachines_example.json";
// api-version 2024-01-01: a VM's pricing, inherited from its subscription (P2).
const std::string kVmPricingInherited =
    std::string(kSecurity) +
    "stable/2024-01-01/examples/Pricings/GetResourcePricingByNameVirtualMachines_example.json";
// api-version 2024-01-01: a VM's pricing set on the VM itself to P1 ("inherited": "False"); the
// 200 answer of the PUT is what a GET of that pricing returns afterwards.
const std::string kVmPricingOwnP1 =
    std::string(kSecurity) +
    "stable/2024-01-01/examples/Pricings/PutResourcePricingByNameVirtualMachines_example.json";
// api-version 2023-05-01: MdeTvm selected on the subscription.
const std::string kVaSetting = std::string(kSecurity) +
                               "stable/2023-05-01/examples/ServerVulnerabilityAssessmentsSettings/"
                               "GetServerVulnerabilityAssessmentsSetting_example.json";
// api-version 2024-07-01 (Compute): an extension still Creating, its status dated 2021-11-30.
constexpr const char* kVmExtensionCreating =
    "specification/compute/resource-manager/Microsoft.Compute/ComputeRP/stable/2024-07-01/examples/"
    "virtualMachineExamples/VirtualMachineExtension_Get_MaximumSet_Gen.json";
// api-version 2024-07-10 (HybridCompute): an Arc extension Succeeded, one status object.
constexpr const char* kArcExtensionSucceeded =
    "specification/hybridcompute/resource-manager/Microsoft.HybridCompute/stable/2024-07-10/"
    "examples/extension/Extension_Get.json";
// api-version 2018-04-02 (IMDS; the agent asks 2018-02-01, which has no folder in the specs, for
// the same token response): expires_on 1541705014 (2018-11-08), expires_in "3599".
constexpr const char* kImdsToken =
    "specification/imds/data-plane/InstanceMetadataService/stable/2018-04-02/examples/"
    "getIdentityToken.json";

// The VM of the pricing examples.
constexpr const char* kSpecSub = "20ff7fc3-e762-44dd-bd96-b71116dcdc23";
const std::string kSpecVm = std::string("/subscriptions/") + kSpecSub +
                            "/resourceGroups/DEMO/providers/Microsoft.Compute/virtualMachines/VM-1";
const std::string kPricing = "/providers/Microsoft.Security/pricings/VirtualMachines";

// An Azure VM world whose machine is the examples' VM-1, with the given pricings.
void SpecVm(CloudWorld& world, const nlohmann::json& sub_pricing,
            const nlohmann::json& vm_pricing) {
  world.access.machine.subscription_id = kSpecSub;
  world.access.machine.resource_id = kSpecVm;
  world.arm.OnGet(std::string("/subscriptions/") + kSpecSub + kPricing, "2024-01-01",
                  ArmOk(sub_pricing));
  world.arm.OnGet(kSpecVm + kPricing, "2024-01-01", ArmOk(vm_pricing));
  world.arm.OnGet(std::string("/subscriptions/") + kSpecSub +
                      "/providers/Microsoft.Security/serverVulnerabilityAssessmentsSettings/"
                      "azureServersSetting",
                  "2023-05-01", ArmOk(SpecResponse(kVaSetting)));
}

// The published examples have no Free VirtualMachines pricing at 2024-01-01; a Free pricing is
// the same object with pricingTier "Free" and no subPlan, enablementTime or extensions (as the
// Free items of ListPricings_example.json, same folder, read).
nlohmann::json FreeSubscriptionPricing() {
  nlohmann::json body = SpecResponse(kSubPricingP2);
  nlohmann::json& props = body.at("properties");
  props["pricingTier"] = "Free";
  for (const char* key : {"subPlan", "enablementTime", "extensions"}) props.erase(key);
  return body;
}

TEST(SpecEffectivePlan, MachineOnP1UnderAP2SubscriptionHasNoMdvm) {
  CloudWorld world;
  SpecVm(world, SpecResponse(kSubPricingP2), SpecResponse(kVmPricingOwnP1));

  const CheckResult plan = PlanCheck().Run(world.Ctx());
  EXPECT_EQ(plan.status, Status::kPass) << plan.summary;
  EXPECT_TRUE(Contains(plan.summary, "Plan 1 is on for this machine (set on the machine itself)"))
      << plan.summary;
  EXPECT_EQ(plan.report.at("cloud").at("sub_plan"), "P1");

  // Before: "MdeTvm is the provider" passed, judged by the subscription's P2.
  const CheckResult va = VulnerabilityAssessmentCheck().Run(world.Ctx());
  EXPECT_EQ(va.status, Status::kWarn) << va.summary;
  EXPECT_TRUE(Contains(va.summary,
                       "this machine is on Defender for Servers Plan 1 (set on the "
                       "machine itself)"))
      << va.summary;
  EXPECT_TRUE(Contains(va.summary, "Plan 1 does not include")) << va.summary;
  EXPECT_TRUE(Contains(va.remediation, "Remove this machine's own Plan 1 setting"))
      << va.remediation;
  EXPECT_EQ(va.evidence.at("plan"), "P1");
}

TEST(SpecEffectivePlan, MachineOnP1UnderAFreeSubscriptionIsNotOff) {
  CloudWorld world;
  SpecVm(world, FreeSubscriptionPricing(), SpecResponse(kVmPricingOwnP1));

  const CheckResult plan = PlanCheck().Run(world.Ctx());
  EXPECT_EQ(plan.status, Status::kPass) << plan.summary;
  EXPECT_TRUE(Contains(plan.summary, "overrides the subscription's (Free (off))")) << plan.summary;

  // Before: "Defender for Servers is off (Free), so the setting has no effect yet."
  const CheckResult va = VulnerabilityAssessmentCheck().Run(world.Ctx());
  EXPECT_EQ(va.status, Status::kWarn) << va.summary;
  EXPECT_FALSE(Contains(va.summary, "is off")) << va.summary;
  EXPECT_TRUE(Contains(va.summary, "Plan 1 does not include")) << va.summary;

  // No extension yet: the machine's P1 will bring it, so no "none will be deployed".
  world.arm.OnGet(kSpecVm + "/extensions/MDE.Linux", "2024-07-01",
                  ArmFail(404, "ResourceNotFound", "not found"), "$expand=instanceView");
  const CheckResult ext = ExtensionCheck().Run(world.Ctx());
  EXPECT_EQ(ext.status, Status::kWarn) << ext.summary;
  EXPECT_TRUE(Contains(ext.summary, "Defender for Servers is on")) << ext.summary;
}

TEST(SpecEffectivePlan, InheritedPricingFollowsTheSubscription) {
  CloudWorld world;
  SpecVm(world, SpecResponse(kSubPricingP2), SpecResponse(kVmPricingInherited));
  const CheckResult va = VulnerabilityAssessmentCheck().Run(world.Ctx());
  EXPECT_EQ(va.status, Status::kPass) << va.summary;
  EXPECT_EQ(va.evidence.at("plan"), "P2");
  const CheckResult plan = PlanCheck().Run(world.Ctx());
  EXPECT_TRUE(Contains(plan.summary, "inherited from subscription " + std::string(kSpecSub)))
      << plan.summary;
}

TEST(SpecOnboardingTime, AnExtensionStillCreatingGivesNone) {
  const nlohmann::json creating = SpecResponse(kVmExtensionCreating);
  const ArmExtension parsed = ParseArmExtension(creating);
  ASSERT_TRUE(parsed.valid);
  EXPECT_EQ(parsed.provisioning_state, "Creating");
  ASSERT_EQ(parsed.statuses.size(), 1U);
  EXPECT_EQ(parsed.statuses[0].time, "2021-11-30T12:58:26.522Z");
  EXPECT_EQ(parsed.SucceededAt(), "");

  // Before: "... although MDE was onboarded 1828 d ... ago".
  CloudWorld world;
  world.NoIndividualRecommendations();
  world.arm.OnGet(std::string(testing::arm_shapes::kVmId) + "/extensions/MDE.Linux", "2024-07-01",
                  ArmOk(creating), "$expand=instanceView");
  world.arm.OnGet(std::string(testing::arm_shapes::kVmId) +
                      "/providers/Microsoft.Security/assessments/" +
                      std::string(kVulnerabilityFindingsKey),
                  "2021-06-01", ArmFail(404, "NotFound", "not found"));
  const CheckResult r = VulnerabilityFindingsCheck().Run(world.Ctx());
  EXPECT_EQ(r.status, Status::kWarn);
  EXPECT_FALSE(Contains(r.summary, " ago")) << r.summary;
  EXPECT_TRUE(Contains(r.summary, "when MDE was onboarded is unknown")) << r.summary;
  EXPECT_FALSE(r.evidence.contains("onboarded_at_source"));
}

TEST(SpecOnboardingTime, ASucceededArcExtensionGivesItsStatusTime) {
  const nlohmann::json succeeded = SpecResponse(kArcExtensionSucceeded);
  const ArmExtension parsed = ParseArmExtension(succeeded);
  ASSERT_TRUE(parsed.valid);
  EXPECT_EQ(parsed.statuses.at(0).level, "Info");  // "Information" in the example
  EXPECT_EQ(parsed.SucceededAt(), "2019-08-08T20:42:10.999Z");

  CloudWorld world(azure::EnvironmentKind::kAzureArc);
  world.NoIndividualRecommendations();
  world.arm.OnGet(std::string(testing::arm_shapes::kArcId) + "/extensions/MDE.Linux", "2024-07-10",
                  ArmOk(succeeded));
  world.arm.OnGet(std::string(testing::arm_shapes::kArcId) +
                      "/providers/Microsoft.Security/assessments/" +
                      std::string(kVulnerabilityFindingsKey),
                  "2021-06-01", ArmFail(404, "NotFound", "not found"));
  const CheckResult r = VulnerabilityFindingsCheck().Run(world.Ctx());
  EXPECT_EQ(r.evidence.at("onboarded_at_source"), "extension_arm");
  EXPECT_TRUE(Contains(r.summary, "the MDE extension reported success in Azure")) << r.summary;
  EXPECT_TRUE(Contains(r.summary, "more than the documented \"up to 12 hours\"")) << r.summary;
}

TEST(SpecShapes, VaSettingAssessmentAndSubAssessment) {
  // 2023-05-01: the id has no leading slash; MdeTvm.
  const VaSetting va = ParseVaSetting(SpecResponse(kVaSetting));
  ASSERT_TRUE(va.valid) << va.error;
  EXPECT_EQ(va.kind, "AzureServersSetting");
  EXPECT_EQ(va.provider, "MdeTvm");

  // 2021-06-01: an assessment NotApplicable, cause OffByPolicy.
  const AssessmentInfo a = ParseAssessment(
      SpecResponse(std::string(kSecurity) +
                   "stable/2021-06-01/examples/Assessments/GetAssessment_example.json"));
  ASSERT_TRUE(a.valid) << a.error;
  EXPECT_EQ(a.code, "NotApplicable");
  EXPECT_EQ(a.cause, "OffByPolicy");

  // 2019-01-01-preview: one sub-assessment, listed as a List answer would hold it.
  const nlohmann::json sub = SpecResponse(
      std::string(kSecurity) +
      "preview/2019-01-01-preview/examples/SubAssessments/GetSubAssessment_example.json");
  const SubAssessmentList list = ParseSubAssessments({{"value", {sub}}}, 10);
  ASSERT_TRUE(list.valid) << list.error;
  ASSERT_EQ(list.findings.size(), 1U);
  EXPECT_EQ(list.findings[0].id, "1001");
  EXPECT_EQ(list.findings[0].severity, "High");
  ASSERT_EQ(list.findings[0].cves.size(), 1U);
  EXPECT_EQ(list.findings[0].cves[0].id, "CVE-2019-12345");
}

TEST(SpecToken, ExpiresInCountsFromReceiptWhateverExpiresOnSays) {
  const std::string body = SpecResponse(kImdsToken).dump();
  const auto received = std::chrono::system_clock::now();
  const auto token = azure::ParseTokenResponse(body, received);
  ASSERT_TRUE(token.Ok()) << token.Err().message;
  EXPECT_EQ(token.Value().expires_on, received + std::chrono::seconds(3599));
  EXPECT_EQ(token.Value().lifetime, std::chrono::seconds(3599));
}

TEST(SpecToken, ManyArmCallsFetchOneTokenThoughExpiresOnHasPassed) {
  testing::FakeHttpClient http;
  const std::string token_url =
      "http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01&resource="
      "https%3A%2F%2Fmanagement.azure.com%2F";
  http.Expect("GET", token_url, {testing::MakeHttpResponse(200, SpecResponse(kImdsToken).dump())});
  http.Expect("GET", "https://management.azure.com/*",
              {testing::MakeHttpResponse(200, R"({"properties":{"pricingTier":"Standard"}})")});
  azure::CachingCredential credential(azure::MakeImdsTokenSource(
      http, "http://169.254.169.254", "https://management.azure.com/", ""));
  azure::ArmClientOptions options;
  options.endpoint = "https://management.azure.com";
  azure::HttpArmClient arm(http, credential, options);
  constexpr int kCalls = 7;
  for (int i = 0; i < kCalls; ++i) {
    // Distinct URLs: the ARM client's own per-run cache of GETs does not hide a token fetch.
    const azure::ArmOutcome outcome =
        arm.Get("/subscriptions/s" + std::to_string(i) + kPricing, "2024-01-01");
    EXPECT_TRUE(outcome.Ok()) << i;
  }
  EXPECT_EQ(credential.Fetches(), 1);
  int token_requests = 0;
  int arm_requests = 0;
  for (const HttpRequest& request : http.requests()) {
    (request.url == token_url ? token_requests : arm_requests) += 1;
    if (request.url != token_url) {
      EXPECT_EQ(*FindHeader(request.headers, "Authorization"), "Bearer dummytoken");
    }
  }
  EXPECT_EQ(token_requests, 1);
  EXPECT_EQ(arm_requests, kCalls);
}

}  // namespace
}  // namespace preflight

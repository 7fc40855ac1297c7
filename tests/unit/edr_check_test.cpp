// azure.edr: the pure decision by a table, and the check over the fake ARM client with MDE's local
// state set by the test. Body shapes: the machine's assessment list
// (ListAssessments_example.json, specs stable/2021-06-01) holding "EDR solution should be installed
// on Virtual Machines" with its discovered EDR (the portal's "Discovered EDRs", defender-docs
// endpoint-detection-response-solution-recommendations.md, ms.date 06/02/2026; the additionalData
// key is not documented, "DiscoveredEdrs" as the emulator serves it) and the EDR-health
// recommendations of defender-docs transition-grouped-individual-recommendations.md (ms.date
// 06/29/2026).

#include <gtest/gtest.h>

#include "probes/azure/edr_check.h"
#include "tests/unit/cloud_fixture.h"

namespace preflight {
namespace {

using testing::ArmFail;
using testing::ArmOk;
using testing::CloudWorld;
using testing::Contains;
namespace shapes = testing::arm_shapes;
using Json = nlohmann::json;
using D = EdrFacts::Discovery;
using V = EdrVerdict;
using M = EdrMismatch;
using cloud::PlanLevel;

const std::string kList = std::string(shapes::kVmId) + "/providers/Microsoft.Security/assessments";
const std::string kCspm =
    shapes::SubScope() + "/providers/Microsoft.Security/pricings/CloudPosture";

TEST(DecideEdr, DiscoveryPlanAndLocalView) {
  struct Row {
    D discovery;
    std::vector<std::string> names;
    PlanLevel plan;
    std::optional<bool> cspm;
    std::optional<bool> local;
    V verdict;
    M mismatch;
    Status status;
  };
  const std::string mde = "Microsoft Defender for Endpoint";
  const std::vector<Row> rows = {
      {D::kUnread, {}, PlanLevel::kP2, {}, true, V::kUnknown, M::kNone, Status::kPass},
      {D::kHealthy, {mde}, PlanLevel::kP2, {}, true, V::kMde, M::kNone, Status::kPass},
      {D::kHealthy, {mde}, PlanLevel::kP2, {}, std::nullopt, V::kMde, M::kNone, Status::kPass},
      {D::kHealthy, {mde}, PlanLevel::kP2, {}, false, V::kMde, M::kCloudOnly, Status::kWarn},
      {D::kHealthy, {"Sophos", mde}, PlanLevel::kP2, {}, true, V::kMde, M::kNone, Status::kPass},
      {D::kHealthy,
       {"CrowdStrike (Falcon)"},
       PlanLevel::kP2,
       {},
       false,
       V::kOtherEdr,
       M::kNone,
       Status::kWarn},
      {D::kHealthy,
       {"Sophos"},
       PlanLevel::kP2,
       {},
       true,
       V::kOtherEdr,
       M::kLocalMdeCloudOther,
       Status::kWarn},
      {D::kHealthy, {}, PlanLevel::kP2, {}, false, V::kUnnamed, M::kNone, Status::kPass},
      {D::kUnhealthy, {}, PlanLevel::kP2, {}, false, V::kNone, M::kNone, Status::kFail},
      {D::kUnhealthy, {}, PlanLevel::kP1, true, false, V::kNone, M::kNone, Status::kFail},
      {D::kUnhealthy, {}, PlanLevel::kP2, {}, true, V::kNone, M::kLocalOnly, Status::kWarn},
      {D::kUnhealthy,
       {},
       PlanLevel::kUnknown,
       {},
       false,
       V::kNoneUncovered,
       M::kNone,
       Status::kWarn},
      {D::kNotApplicable,
       {},
       PlanLevel::kP1,
       false,
       true,
       V::kNotApplicable,
       M::kNone,
       Status::kWarn},
      {D::kNotFound, {}, PlanLevel::kP2, {}, true, V::kNotYet, M::kNone, Status::kWarn},
      {D::kNotFound, {}, PlanLevel::kP1, false, true, V::kNoDiscovery, M::kNone, Status::kSkip},
      {D::kNotFound, {}, PlanLevel::kFree, {}, false, V::kNoDiscovery, M::kNone, Status::kSkip},
      {D::kNotFound, {}, PlanLevel::kP1, true, true, V::kNotYet, M::kNone, Status::kWarn},
  };
  for (std::size_t i = 0; i < rows.size(); ++i) {
    SCOPED_TRACE(i);
    EdrFacts facts;
    facts.discovery = rows[i].discovery;
    facts.discovered = rows[i].names;
    facts.plan = rows[i].plan;
    facts.cspm = rows[i].cspm;
    facts.local_onboarded = rows[i].local;
    const EdrDecision d = DecideEdr(facts);
    EXPECT_EQ(d.verdict, rows[i].verdict);
    EXPECT_EQ(d.mismatch, rows[i].mismatch);
    EXPECT_EQ(d.status, rows[i].status);
  }
}

Json Installed(const std::string& code, const std::string& edrs = {}) {
  Json data = Json::object();
  if (!edrs.empty()) data["DiscoveredEdrs"] = edrs;
  return shapes::KeyedAssessmentBody(shapes::kVmId, std::string(kEdrInstalledKey),
                                     "EDR solution should be installed on Virtual Machines", code,
                                     data);
}

// A P2 machine whose recommendation list holds `items`; Defender CSPM not priced (404). The
// local view is MDE's state as mde.install reads it, set directly so that the same test holds on
// Linux and Windows (tests/integration/cloud_checks_emulator_test.cpp reads it from the MDE
// fixture trees).
void Machine(CloudWorld& world, const std::vector<Json>& items, bool onboarded_here) {
  Json value = Json::array();
  for (const Json& item : items) value.push_back(item);
  world.arm.OnList(kList, "2021-06-01", ArmOk({{"value", value}}));
  world.PlanP2();
  world.arm.OnGet(kCspm, "2024-01-01", ArmFail(404, "NotFound", "no pricing"));
  world.facts.mde.Get([&] {
    MdeState state;
    state.installed = onboarded_here;
    state.onboarded = onboarded_here;
    return state;
  });
}

TEST(EdrCheck, MdeDiscoveredAndOnboardedHerePasses) {
  CloudWorld world;
  Machine(world, {Installed("Healthy", "Microsoft Defender for Endpoint")}, true);
  const CheckResult r = EdrCheck().Run(world.Ctx());
  EXPECT_EQ(r.status, Status::kPass) << r.summary;
  EXPECT_TRUE(Contains(r.summary, "discovered Microsoft Defender for Endpoint")) << r.summary;
  const Json& edr = r.report.at("cloud").at("edr");
  EXPECT_EQ(edr.at("status"), "Healthy");
  EXPECT_EQ(edr.at("mde_discovered"), true);
  EXPECT_EQ(r.evidence.at("local_onboarded"), true);
  EXPECT_EQ(r.evidence.at("plan"), "Plan 2 (P2)");
}

TEST(EdrCheck, NoneDiscoveredOnPlan2FailsWithTheRemediation) {
  CloudWorld world;
  Machine(world, {Installed("Unhealthy")}, false);
  const CheckResult r = EdrCheck().Run(world.Ctx());
  EXPECT_EQ(r.status, Status::kFail) << r.summary;
  EXPECT_TRUE(Contains(r.summary, "discovered no EDR")) << r.summary;
  EXPECT_TRUE(Contains(r.remediation, "azure.integration")) << r.remediation;
  EXPECT_EQ(r.report.at("cloud").at("edr").at("mde_discovered"), false);
}

TEST(EdrCheck, HealthRecommendationsWarnEachWithTheirRemediation) {
  CloudWorld world;
  std::vector<Json> items = {Installed("Healthy", "Microsoft Defender for Endpoint")};
  for (const EdrHealthRecommendation& rec : kEdrHealthRecommendations) {
    items.push_back(shapes::KeyedAssessmentBody(shapes::kVmId, std::string(rec.key),
                                                std::string(rec.title), "Unhealthy"));
  }
  // ARM's own remediation text wins over ours where it gives one.
  items.back()["properties"]["metadata"] = {{"remediationDescription", "Scan it weekly."}};
  Machine(world, items, true);
  const CheckResult r = EdrCheck().Run(world.Ctx());
  EXPECT_EQ(r.status, Status::kWarn);
  ASSERT_EQ(r.evidence.at("findings").size(), 3U);
  EXPECT_TRUE(Contains(r.summary, "is off or partially configured")) << r.summary;
  EXPECT_TRUE(Contains(r.summary, "uses outdated signatures")) << r.summary;
  EXPECT_TRUE(Contains(r.summary, "are out of 7 days")) << r.summary;
  EXPECT_TRUE(Contains(r.remediation, "real-time-protection")) << r.remediation;
  EXPECT_TRUE(Contains(r.remediation, "mdatp definitions update")) << r.remediation;
  EXPECT_TRUE(Contains(r.remediation, "Scan it weekly.")) << r.remediation;
  EXPECT_EQ(r.report.at("cloud").at("edr").at("issues").size(), 3U);
}

TEST(EdrCheck, OnboardedHereButNoneDiscoveredWarnsNamingBothSides) {
  CloudWorld world;
  Machine(world, {Installed("Unhealthy")}, true);
  const CheckResult r = EdrCheck().Run(world.Ctx());
  EXPECT_EQ(r.status, Status::kWarn) << r.summary;
  EXPECT_TRUE(Contains(r.summary, "MDE is onboarded on this machine (mde.install)")) << r.summary;
  EXPECT_TRUE(Contains(r.summary, "discovered no EDR")) << r.summary;
}

TEST(EdrCheck, PlanOneWithoutCspmExplainsWhyThereIsNoDiscovery) {
  CloudWorld world;
  shapes::Pricing p1;
  p1.sub_plan = "P1";
  world.arm.OnList(kList, "2021-06-01", ArmOk({{"value", Json::array()}}));
  world.Plan(p1, p1);
  world.arm.OnGet(kCspm, "2024-01-01",
                  ArmOk({{"name", "CloudPosture"}, {"properties", {{"pricingTier", "Free"}}}}));
  const CheckResult r = EdrCheck().Run(world.Ctx());
  EXPECT_EQ(r.status, Status::kSkip) << r.summary;
  EXPECT_TRUE(Contains(r.summary, "Plan 2 or Defender CSPM")) << r.summary;
  EXPECT_TRUE(Contains(r.summary, "Plan 1 (P1), Defender CSPM off")) << r.summary;
  EXPECT_EQ(r.report.at("cloud").at("edr").at("status"), "NotFound");
}

TEST(EdrCheck, AnUnreadableListWarnsAndLeavesTheFieldNull) {
  CloudWorld world;
  world.arm.OnList(kList, "2021-06-01",
                   testing::ArmAuthorizationFailed("Microsoft.Security/assessments/read", kList));
  const CheckResult r = EdrCheck().Run(world.Ctx());
  EXPECT_EQ(r.status, Status::kWarn);
  EXPECT_TRUE(r.report.at("cloud").at("edr").is_null());
  EXPECT_EQ(r.report.at("cloud").at("errors")[0].at("code"), "AuthorizationFailed");
}

}  // namespace
}  // namespace preflight

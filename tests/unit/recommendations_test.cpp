// The individual recommendations that replace Defender for Cloud's grouped ones on 2026-07-31:
// the pure parser (recommendations_parser.h), and azure.vulnerability_findings reading them over
// the fake ARM client. Body shapes: the spec's ListAssessments_example.json (2021-06-01,
// tests/data/azure-specs) and the fields of the Resource Graph query in defender-docs
// articles/defender-for-cloud/transition-grouped-individual-recommendations.md (ms.date
// 06/29/2026): metadata.recommendationCategory / severity, additionalData.CvesDetails (a string
// holding JSON with CveId entries), DetectedSoftwareVersions, FixedVersion.

#include <gtest/gtest.h>

#include "probes/azure/recommendations_parser.h"
#include "probes/azure/vulnerability_findings_check.h"
#include "tests/unit/azure_spec_examples.h"
#include "tests/unit/cloud_fixture.h"

namespace preflight {
namespace {

using testing::ArmOk;
using testing::CloudWorld;
using testing::Contains;
using testing::SpecResponse;
namespace shapes = testing::arm_shapes;
using Json = nlohmann::json;

const std::string kList = std::string(shapes::kVmId) + "/providers/Microsoft.Security/assessments";
const std::string kGrouped = kList + "/" + shapes::kFindingsKey;

TEST(Recommendations, SpecListExampleHasNoSoftwareUpdateRecommendation) {
  // ListAssessments_example.json (specs, stable/2021-06-01): two endpoint-protection items.
  const RecommendationList list = ParseRecommendations(
      SpecResponse("specification/security/resource-manager/Microsoft.Security/stable/2021-06-01/"
                   "examples/Assessments/ListAssessments_example.json"),
      100);
  ASSERT_TRUE(list.valid) << list.error;
  ASSERT_EQ(list.items.size(), 2U);
  EXPECT_EQ(list.items[0].key, "21300918-b2e3-0346-785f-c77ff57d243b");
  EXPECT_EQ(list.items[0].code, "Healthy");
  EXPECT_EQ(list.items[1].code, "NotApplicable");
  EXPECT_EQ(list.items[1].cause, "OffByPolicy");
  for (const Recommendation& r : list.items) EXPECT_FALSE(r.IsSoftwareUpdate());
}

TEST(Recommendations, IndividualItemAsTheTransitionArticleReadsIt) {
  Json item = shapes::IndividualBody(
      shapes::kVmId, {"k1", "Update glibc", "High",
                      R"([{"CveId":"CVE-2023-4911","Severity":"High"},{"Severity":"Low"}])", ""});
  item["properties"]["additionalData"]["DetectedSoftwareVersions"] = Json::array({"2.35", "2.31"});
  const RecommendationList list = ParseRecommendations({{"value", {item}}}, 10);
  ASSERT_EQ(list.items.size(), 1U);
  const Recommendation& r = list.items[0];
  EXPECT_TRUE(r.IsSoftwareUpdate());
  EXPECT_TRUE(r.Unhealthy());
  EXPECT_EQ(r.severity, "High");
  ASSERT_EQ(r.cves.size(), 1U);  // the entry without a CveId is skipped
  EXPECT_EQ(r.cves[0].id, "CVE-2023-4911");
  EXPECT_EQ(r.detected_versions, "2.35, 2.31");
  EXPECT_EQ(r.fixed_version, "");  // "may be empty if no fix is available"
  EXPECT_EQ(r.software, "gnu glibc");
  EXPECT_FALSE(r.cves_malformed);
}

TEST(Recommendations, CvesDetailsStringArrayOrMalformed) {
  struct Row {
    Json value;
    std::size_t cves;
    bool malformed;
  };
  const std::vector<Row> rows = {
      {R"([{"CveId":"CVE-1"},{"CveId":"CVE-2"}])", 2, false},  // the documented string
      {Json::array({{{"CveId", "CVE-1"}}}), 1, false},         // tolerated: the array itself
      {"[]", 0, false},                                        // no CVE
      {R"([{"CveId":"CVE-1"},)", 0, true},                     // cut JSON
      {"not json at all", 0, true},                            // text
      {R"({"CveId":"CVE-1"})", 0, true},                       // an object, not a list
      {42, 0, true},                                           // a number
      {nullptr, 0, false},                                     // null: nothing said
      {std::string(300 * 1024, '['), 0, true},                 // over the bound
  };
  for (std::size_t i = 0; i < rows.size(); ++i) {
    SCOPED_TRACE(i);
    const CvesDetails parsed = ParseCvesDetails(rows[i].value);
    EXPECT_EQ(parsed.cves.size(), rows[i].cves);
    EXPECT_EQ(parsed.malformed, rows[i].malformed);
  }
}

TEST(Recommendations, DiscoveredEdrNames) {
  struct Row {
    Json data;
    std::vector<std::string> names;
  };
  const std::vector<Row> rows = {
      {{{"DiscoveredEdrs", "Microsoft Defender for Endpoint"}},
       {"Microsoft Defender for Endpoint"}},
      {{{"discoveredEdrs", "CrowdStrike (Falcon), Sophos"}}, {"CrowdStrike (Falcon)", "Sophos"}},
      {{{"DiscoveredEdrs", R"(["Trellix", "Symantec"])"}}, {"Trellix", "Symantec"}},
      {{{"EdrNames", Json::array({"Cortex XDR"})}}, {"Cortex XDR"}},
      {{{"linkedWorkspaceId", "/subscriptions/x"}}, {}},
      {{{"DiscoveredEdrs", " , "}}, {}},
      {Json::array(), {}},
  };
  for (std::size_t i = 0; i < rows.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(DiscoveredEdrs(rows[i].data), rows[i].names);
  }
  EXPECT_TRUE(IsMdeName("Microsoft Defender for Endpoint"));
  EXPECT_TRUE(IsMdeName("Microsoft Defender for Endpoint Unified Solution"));
  EXPECT_TRUE(IsMdeName("MDE"));
  EXPECT_FALSE(IsMdeName("CrowdStrike (Falcon)"));
}

// ---- azure.vulnerability_findings on the individual model ----------------------------

Json ListOf(const std::vector<Json>& items) {
  Json value = Json::array();
  for (const Json& item : items) value.push_back(item);
  return {{"value", value}};
}

TEST(IndividualFindings, OnlyIndividualRecommendationsAreReadAndCounted) {
  CloudWorld world;
  world.arm.OnList(
      kList, "2021-06-01",
      ArmOk(
          ListOf({shapes::IndividualBody(
                      shapes::kVmId,
                      {"k1", "Update glibc", "High",
                       R"([{"CveId":"CVE-2023-4911","Severity":"High"}])", "2.35-0ubuntu3.4"}),
                  shapes::IndividualBody(
                      shapes::kVmId, {"k2", "Update curl", "Critical",
                                      R"([{"CveId":"CVE-2023-38545","Severity":"Critical"}])", ""}),
                  shapes::IndividualBody(
                      shapes::kVmId, {"k3", "Update sudo", "Low", R"([{"CveId":"CVE-2023-22809"}])",
                                      "1.9", "Healthy"})})));
  const CheckResult r = VulnerabilityFindingsCheck().Run(world.Ctx());
  EXPECT_EQ(r.status, Status::kWarn);
  EXPECT_TRUE(Contains(r.summary,
                       "2 CVE(s) in 2 finding(s) (1 Critical, 1 High; from the "
                       "individual recommendations)"))
      << r.summary;
  const Json& vf = r.report.at("cloud").at("vulnerability_findings");
  EXPECT_EQ(vf.at("model"), "individual");
  EXPECT_EQ(vf.at("count"), 2);
  EXPECT_EQ(vf.at("cves"), Json({"CVE-2023-38545", "CVE-2023-4911"}));
  EXPECT_EQ(vf.at("by_severity").at("Critical"), 1);
  EXPECT_EQ(vf.at("by_severity").at("Low"), 0);  // the Healthy one is resolved
  EXPECT_EQ(r.evidence.at("vulnerabilities")[0].at("fixed_version"), "2.35-0ubuntu3.4");
  // Neither the grouped assessment nor its sub-assessments were asked.
  for (const std::string& call : world.arm.calls()) {
    EXPECT_EQ(call.find(shapes::kFindingsKey), std::string::npos) << call;
  }
}

TEST(IndividualFindings, BothModelsCountOnceFromTheIndividualOnes) {
  CloudWorld world;
  world.arm.OnList(kList, "2021-06-01",
                   ArmOk(ListOf({shapes::AssessmentBody(shapes::kVmId, "Unhealthy"),
                                 shapes::IndividualBody(shapes::kVmId,
                                                        {"k1", "Update glibc", "High",
                                                         R"([{"CveId":"CVE-2023-4911"}])", ""})})));
  world.arm.OnList(kGrouped + "/subAssessments", "2019-01-01-preview",
                   ArmOk(shapes::SubAssessmentsBody(shapes::kVmId, shapes::ScenarioFindings())));
  const CheckResult r = VulnerabilityFindingsCheck().Run(world.Ctx());
  EXPECT_EQ(r.evidence.at("findings_count"), 1);
  EXPECT_EQ(r.report.at("cloud").at("vulnerability_findings").at("count"), 1);
  EXPECT_EQ(r.evidence.at("grouped_also_listed"), true);
  EXPECT_TRUE(Contains(r.summary, "counted once")) << r.summary;
}

TEST(IndividualFindings, MalformedCvesDetailsIsCountedWithANote) {
  CloudWorld world;
  world.arm.OnList(kList, "2021-06-01",
                   ArmOk(ListOf({shapes::IndividualBody(
                       shapes::kVmId, {"k1", "Update openssh", "Medium", "[{\"CveId\":", ""})})));
  const CheckResult r = VulnerabilityFindingsCheck().Run(world.Ctx());
  EXPECT_EQ(r.status, Status::kWarn);
  EXPECT_EQ(r.evidence.at("findings_count"), 1);
  EXPECT_EQ(r.evidence.at("cves_malformed"), 1);
  EXPECT_EQ(r.report.at("cloud").at("vulnerability_findings").at("by_severity").at("Medium"), 1);
  EXPECT_TRUE(Contains(r.summary, "not a JSON list of CVEs")) << r.summary;
}

TEST(IndividualFindings, AllResolvedPassesAndNamesTheModel) {
  CloudWorld world;
  world.arm.OnList(kList, "2021-06-01",
                   ArmOk(ListOf({shapes::IndividualBody(
                       shapes::kVmId, {"k1", "Update glibc", "High", "[]", "2.35", "Healthy"})})));
  const CheckResult r = VulnerabilityFindingsCheck().Run(world.Ctx());
  EXPECT_EQ(r.status, Status::kPass) << r.summary;
  EXPECT_TRUE(Contains(r.summary, "individual recommendations")) << r.summary;
  EXPECT_EQ(r.report.at("cloud").at("vulnerability_findings").at("status"), "Healthy");
}

TEST(IndividualFindings, AFailedListFallsBackToTheGroupedModelAndSaysSo) {
  CloudWorld world;
  world.arm.OnList(kList, "2021-06-01", testing::ArmFail(500, "InternalServerError", "x", "r-1"));
  world.arm.OnGet(kGrouped, "2021-06-01", ArmOk(shapes::AssessmentBody(shapes::kVmId, "Healthy")));
  const CheckResult r = VulnerabilityFindingsCheck().Run(world.Ctx());
  EXPECT_EQ(r.status, Status::kWarn);
  EXPECT_TRUE(Contains(r.summary, "individual recommendations")) << r.summary;
  EXPECT_EQ(r.report.at("cloud").at("vulnerability_findings").at("model"), "grouped");
  EXPECT_EQ(r.report.at("cloud").at("errors")[0].at("request_id"), "r-1");
}

TEST(DecideFindings, TheIndividualModelNeedsNoRetirementNote) {
  VulnerabilityFindingsFacts facts;
  facts.assessment = VulnerabilityFindingsFacts::Assessment::kUnhealthy;
  facts.list = VulnerabilityFindingsFacts::List::kRead;
  facts.grouped_retired = true;
  facts.model = VulnerabilityFindingsFacts::Model::kIndividual;
  facts.listed = 0;
  EXPECT_FALSE(DecideFindings(facts).explain_retirement);
  facts.model = VulnerabilityFindingsFacts::Model::kGrouped;
  EXPECT_TRUE(DecideFindings(facts).explain_retirement);
}

}  // namespace
}  // namespace preflight

#include "agent/report.h"

#include <gtest/gtest.h>

#include "agent/render_html.h"
#include "agent/render_text.h"

namespace preflight {
namespace {

CheckRun MakeRun(const std::string& id, Status status,
                 nlohmann::json contribution = nlohmann::json::object()) {
  CheckRun run;
  run.id = id;
  run.title = id;
  run.result.status = status;
  run.result.summary = id + " summary";
  run.result.remediation = status == Status::kPass ? "" : "fix " + id;
  run.result.report = std::move(contribution);
  return run;
}

ReportInputs Inputs(std::vector<CheckRun> runs) {
  ReportInputs in;
  in.agent_version = "1.2.3";
  in.generated_at = std::chrono::system_clock::time_point(std::chrono::milliseconds(1764345688123));
  in.host = {
      {"hostname", "h"},
      {"arch", "x86_64"},
      {"kernel", "6.1"},
      {"os", {{"family", "linux"}, {"id", "debian"}, {"version_id", "12"}, {"pretty_name", "D"}}}};
  in.environment = {{"kind", "other"}};
  in.os_family = "linux";
  in.runs = std::move(runs);
  return in;
}

TEST(ComputeVerdict, CoversTheFourVerdicts) {
  EXPECT_EQ(ComputeVerdict({{"onboarded", true}}, false), "onboarded");
  EXPECT_EQ(ComputeVerdict({{"onboarded", true}}, true), "unhealthy");
  EXPECT_EQ(ComputeVerdict({{"onboarded", false}}, false), "ready");
  EXPECT_EQ(ComputeVerdict({{"onboarded", nullptr}}, true), "blocked");
  EXPECT_EQ(ComputeVerdict(nullptr, false), "ready");
}

TEST(BuildReport, MergesContributionsAndFillsTheContract) {
  auto report = BuildReport(Inputs({
      MakeRun("linux.fanotify", Status::kFail,
              {{"fanotify_users", {{{"pid", 7}, {"classification", "conflict"}}}}}),
      MakeRun("mde.install", Status::kPass,
              {{"mde", {{"installed", true}, {"onboarded", true}, {"version", nullptr}}}}),
      MakeRun("other.list", Status::kWarn,
              {{"fanotify_users", {{{"pid", 9}, {"classification", "notify"}}}}}),
  }));
  EXPECT_EQ(report["schema_version"], 1);
  EXPECT_EQ(report["generated_at"], "2025-11-28T16:01:28.123Z");
  EXPECT_EQ(report["verdict"], "unhealthy");
  ASSERT_EQ(report["fanotify_users"].size(), 2U);
  EXPECT_EQ(report["fanotify_users"][1]["pid"], 9);
  EXPECT_EQ(report["mde"]["installed"], true);
  EXPECT_TRUE(report["mde"].contains("version"));  // null stays, never dropped
  EXPECT_TRUE(report["mde"]["version"].is_null());
  EXPECT_TRUE(report["mde"]["health_issues"].is_array());
  EXPECT_TRUE(report["cloud"].is_null());
  EXPECT_EQ(report["counts"]["fail"], 1);
  EXPECT_EQ(report["counts"]["warn"], 1);
  EXPECT_EQ(report["checks"][0]["remediation"], "fix linux.fanotify");
  EXPECT_FALSE(report.contains("minifilters"));
}

TEST(DeepMerge, MergesNestedObjectsAndKeepsNulls) {
  nlohmann::json target = {{"host", {{"os", {{"id", "x"}, {"version_id", "1"}}}}}};
  DeepMerge(target, {{"host", {{"os", {{"id", "y"}, {"pretty_name", nullptr}}}}}});
  EXPECT_EQ(target["host"]["os"]["id"], "y");
  EXPECT_EQ(target["host"]["os"]["version_id"], "1");
  EXPECT_TRUE(target["host"]["os"].contains("pretty_name"));
}

TEST(DeepMerge, AppendsNestedArrays) {
  nlohmann::json target = {{"cloud", {{"errors", {{{"check", "a"}}}}, {"sub_plan", "P1"}}}};
  DeepMerge(target, {{"cloud", {{"errors", {{{"check", "b"}}}}, {"sub_plan", "P2"}}}});
  ASSERT_EQ(target["cloud"]["errors"].size(), 2U);
  EXPECT_EQ(target["cloud"]["errors"][1]["check"], "b");
  EXPECT_EQ(target["cloud"]["sub_plan"], "P2");
  DeepMerge(target, {{"cloud", {{"sub_plan", {"x"}}}}});  // an array over a string replaces
  EXPECT_EQ(target["cloud"]["sub_plan"], nlohmann::json({"x"}));
}

TEST(BuildReport, CloudIsNullUntilACloudCheckContributes) {
  const auto report = BuildReport(Inputs({MakeRun("azure.plan", Status::kSkip)}));
  EXPECT_TRUE(report.at("cloud").is_null());
}

TEST(BuildReport, CloudSectionHasEveryFieldAndAllErrors) {
  const nlohmann::json e1 = {{"check", "azure.plan"},
                             {"code", "AuthorizationFailed"},
                             {"message", "m"},
                             {"request_id", "r1"}};
  const nlohmann::json e2 = {{"check", "azure.integration"},
                             {"code", "TransportError"},
                             {"message", "m"},
                             {"request_id", nullptr}};
  const auto report = BuildReport(Inputs({
      MakeRun("azure.plan", Status::kWarn,
              {{"cloud", {{"pricing_tier", nullptr}, {"errors", {e1}}}}}),
      MakeRun("azure.integration", Status::kWarn,
              {{"cloud", {{"mde_integration_enabled", nullptr}, {"errors", {e2}}}}}),
      MakeRun(
          "azure.extension", Status::kPass,
          {{"cloud",
            {{"extension_provisioning_state", "Succeeded"}, {"errors", nlohmann::json::array()}}}}),
  }));
  const auto& cloud = report.at("cloud");
  for (const char* key : {"pricing_tier", "sub_plan", "mde_integration_enabled",
                          "vulnerability_assessment_provider", "direct_onboarding_designated",
                          "vulnerability_findings", "tenant_org_id", "org_id_match", "edr"}) {
    ASSERT_TRUE(cloud.contains(key)) << key;
    EXPECT_TRUE(cloud.at(key).is_null()) << key;
  }
  EXPECT_EQ(cloud.at("extension_provisioning_state"), "Succeeded");
  EXPECT_EQ(cloud.at("errors"), nlohmann::json({e1, e2}));
}

TEST(RenderText, ShowsStatusRemediationVerdictAndNoColourWhenOff) {
  CheckRun ignored = MakeRun("linux.fanotify", Status::kWarn);
  ignored.ignored = true;
  auto report = BuildReport(Inputs(
      {MakeRun("linux.os", Status::kPass), ignored, MakeRun("linux.kernel", Status::kFail)}));
  const std::string plain = RenderText(report, false);
  EXPECT_NE(plain.find("PASS  linux.os"), std::string::npos) << plain;
  EXPECT_NE(plain.find("FAIL  linux.kernel"), std::string::npos);
  EXPECT_NE(plain.find("-> fix linux.kernel"), std::string::npos);
  EXPECT_NE(plain.find("failure ignored by --ignore"), std::string::npos);
  EXPECT_NE(plain.find("Verdict: BLOCKED"), std::string::npos);
  EXPECT_EQ(plain.find('\033'), std::string::npos);
  EXPECT_NE(RenderText(report, true).find('\033'), std::string::npos);
}

}  // namespace
}  // namespace preflight

namespace preflight {
namespace {

TEST(RenderHtml, EscapesEverythingFromTheReport) {
  CheckRun hostile = MakeRun("linux.fanotify", Status::kFail);
  hostile.result.summary = "<script>alert('x')</script> & \"quoted\"";
  hostile.result.evidence = {{"comm", "</pre><img src=x onerror=alert(1)>"}};
  auto report = BuildReport(Inputs({MakeRun("linux.os", Status::kPass), hostile}));
  report["host"]["hostname"] = "<b>host</b>";
  const std::string html = RenderHtml(report);
  EXPECT_EQ(html.find("<script>"), std::string::npos);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_EQ(html.find("<b>host"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;quoted&quot;"),
            std::string::npos);
  EXPECT_NE(html.find("s-fail"), std::string::npos);
  EXPECT_NE(html.find("v-blocked"), std::string::npos);
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0U);
}

}  // namespace
}  // namespace preflight

namespace preflight {
namespace {

// A run that carries a shared cause, as the cloud checks do without an identity.
CheckRun WithCause(const std::string& id, Status status, const SharedCause& cause) {
  CheckRun run = MakeRun(id, status);
  run.result.summary = "Could not learn " + id + ": no identity.";
  run.result.remediation = cause.remediation;
  AttachCause(run.result, cause);
  return run;
}

const SharedCause kNoId{"azure.no_identity", "cloud checks", "could not run: no identity here.",
                        "Give the machine an identity."};
const SharedCause kOutside{"azure.outside_azure", "cloud checks", "do not apply: outside Azure.",
                           ""};

ReportInputs Mixed() {
  return Inputs({MakeRun("linux.os", Status::kPass), WithCause("azure.plan", Status::kWarn, kNoId),
                 WithCause("azure.extension", Status::kSkip, kOutside),
                 MakeRun("mde.install", Status::kFail),
                 WithCause("azure.integration", Status::kWarn, kNoId),
                 WithCause("azure.vulnerability_findings", Status::kSkip, kOutside),
                 WithCause("azure.org_match", Status::kWarn, kNoId),
                 // Alone with its cause: no group.
                 WithCause("azure.alone", Status::kWarn,
                           {"azure.other", "cloud checks", "could not run: other.", "x"})});
}

std::size_t Count(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

TEST(GroupChecks, SameCauseAndStatusIsOneEntryAtTheFirstPlace) {
  const nlohmann::json report = BuildReport(Mixed());
  const std::vector<CheckGroup> groups = GroupChecks(report.at("checks"));
  ASSERT_EQ(groups.size(), 5U);
  EXPECT_EQ(groups[0].members, std::vector<std::size_t>({0}));
  EXPECT_FALSE(groups[0].cause.has_value());
  EXPECT_EQ(groups[1].members, std::vector<std::size_t>({1, 4, 6}));
  ASSERT_TRUE(groups[1].cause.has_value());
  EXPECT_EQ(groups[1].cause->id, "azure.no_identity");
  EXPECT_EQ(groups[2].members, std::vector<std::size_t>({2, 5}));
  EXPECT_EQ(groups[3].members, std::vector<std::size_t>({3}));
  EXPECT_EQ(groups[4].members, std::vector<std::size_t>({7}));
  EXPECT_FALSE(groups[4].cause.has_value());  // a cause one check carries is no group

  // The same cause with another status is another entry.
  ReportInputs in = Mixed();
  in.runs[4].result.status = Status::kFail;
  EXPECT_EQ(GroupChecks(BuildReport(in).at("checks")).size(), 6U);
}

TEST(GroupChecks, TheJsonReportKeepsEveryCheckWhole) {
  const nlohmann::json report = BuildReport(Mixed());
  ASSERT_EQ(report.at("checks").size(), 8U);
  const nlohmann::json& plan = report.at("checks")[1];
  EXPECT_EQ(plan.at("id"), "azure.plan");
  EXPECT_EQ(plan.at("summary"), "Could not learn azure.plan: no identity.");
  EXPECT_EQ(plan.at("remediation"), "Give the machine an identity.");
  EXPECT_EQ(plan.at("evidence").at("cause").at("id"), "azure.no_identity");
  EXPECT_EQ(report.at("counts").at("warn"), 4);
}

TEST(RenderText, SaysASharedCauseOnceWithTheIdsOfItsChecks) {
  const std::string text = RenderText(BuildReport(Mixed()), false);
  EXPECT_EQ(Count(text, "Give the machine an identity."), 1U) << text;
  EXPECT_EQ(Count(text, "no identity here"), 1U) << text;
  EXPECT_NE(text.find("  WARN  3 cloud checks could not run: no identity here."), std::string::npos)
      << text;
  EXPECT_NE(text.find("        azure.plan, azure.integration, azure.org_match\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("  SKIP  2 cloud checks do not apply: outside Azure."), std::string::npos)
      << text;
  EXPECT_NE(text.find("azure.extension, azure.vulnerability_findings"), std::string::npos);
  // The check with a cause of its own is shown as any other.
  EXPECT_NE(text.find("  WARN  azure.alone "), std::string::npos) << text;
  EXPECT_NE(text.find("-> fix mde.install"), std::string::npos);
  // The group comes where its first check was in its section: before azure.alone; the host
  // section comes first.
  EXPECT_LT(text.find("PASS  linux.os"), text.find("3 cloud checks"));
  EXPECT_LT(text.find("3 cloud checks"), text.find("azure.alone"));
  EXPECT_NE(text.find("Checks: 1 pass, 4 warn, 1 fail, 2 skip"), std::string::npos) << text;
}

TEST(RenderText, EveryLineFitsIn100Columns) {
  ReportInputs in = Mixed();
  in.runs.push_back(MakeRun("azure.a_check_id_longer_than_its_column", Status::kWarn));
  in.runs.back().result.summary = std::string(400, 'x').replace(10, 1, " ");
  for (std::size_t i = 20; i < 400; i += 9) in.runs.back().result.summary[i] = ' ';
  const std::string text = RenderText(BuildReport(in), false);
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    EXPECT_LE(end - start, 100U) << text.substr(start, end - start);
    start = end + 1;
  }
}

TEST(RenderHtml, OneRowForASharedCauseWithEveryCheckInside) {
  const std::string html = RenderHtml(BuildReport(Mixed()));
  EXPECT_EQ(Count(html, "<td class=\"todo\">Give the machine an identity.</td>"), 1U);
  // Said once on the page; the copy of the JSON report at its end keeps every check whole.
  const std::string page = html.substr(0, html.find("<details class=\"json\">"));
  EXPECT_EQ(Count(page, "Give the machine an identity."), 1U);
  EXPECT_NE(html.find("3 cloud checks could not run: no identity here."), std::string::npos);
  for (const char* id : {"azure.plan", "azure.integration", "azure.org_match"}) {
    EXPECT_NE(html.find(std::string("<li id=\"check-") + id + "\"><code>" + id + "</code></li>"),
              std::string::npos)
        << id;
    // Each check's own summary stays reachable.
    EXPECT_NE(html.find(std::string("Could not learn ") + id), std::string::npos) << id;
  }
}

}  // namespace
}  // namespace preflight

#include "agent/report_outline.h"

#include <gtest/gtest.h>

#include "agent/render_html.h"
#include "agent/render_text.h"
#include "probes/common/shared_cause.h"

namespace preflight {
namespace {

TEST(SectionOf, ByIdPrefixWithOtherForTheRest) {
  const struct {
    const char* id;
    const char* section;
  } cases[] = {
      {"linux.fanotify", "host"},
      {"linux.os", "host"},
      {"windows.minifilters", "host"},
      {"mde.install", "mde"},
      {"azure.plan", "cloud"},
      {"azure.extension.local", "cloud"},
      {"network.endpoints", "network"},
      {"vendor.thing", "other"},
      {"linux", "other"},
      {"linux.", "other"},
      {"", "other"},
      {"Linux.os", "other"},  // ids are lowercase; anything else is not guessed at
  };
  for (const auto& c : cases) EXPECT_EQ(SectionOf(c.id), c.section) << c.id;
  // Every section a check can land in is one the reports show.
  std::vector<std::string_view> keys;
  for (const ReportSection& section : ReportSections()) keys.push_back(section.key);
  EXPECT_EQ(keys, (std::vector<std::string_view>{"host", "mde", "cloud", "network", "other"}));
}

TEST(SplitFirstSentence, AtAFullStopBeforeACapitalOutsideParentheses) {
  const struct {
    const char* text;
    const char* first;
    const char* rest;
  } cases[] = {
      {"One. Two three.", "One.", "Two three."},
      {"One sentence only.", "One sentence only.", ""},
      {"Denied (e.g. by a module). Next.", "Denied (e.g. by a module).", "Next."},
      {"Held by x (see a. It is). Then.", "Held by x (see a. It is).", "Then."},
      {"pid 11875. The scan was partial.", "pid 11875.", "The scan was partial."},
      {"Version 1.2. 3 more.", "Version 1.2. 3 more.", ""},
      {"", "", ""},
      {"Ends with a stop. ", "Ends with a stop. ", ""},
  };
  for (const auto& c : cases) {
    const auto [first, rest] = SplitFirstSentence(c.text);
    EXPECT_EQ(first, c.first) << c.text;
    EXPECT_EQ(rest, c.rest) << c.text;
  }
}

struct CheckSpec {
  const char* id;
  const char* status;
  const char* cause = nullptr;  // a SharedCause id, shared by the checks that name it
};

nlohmann::json ReportOf(const char* verdict, const std::vector<CheckSpec>& specs) {
  nlohmann::json checks = nlohmann::json::array();
  for (const CheckSpec& spec : specs) {
    nlohmann::json check = {{"id", spec.id},
                            {"title", std::string("title of ") + spec.id},
                            {"status", spec.status},
                            {"summary", std::string("summary of ") + spec.id},
                            {"remediation", std::string("fix ") + spec.id},
                            {"evidence", nlohmann::json::object()}};
    if (spec.cause != nullptr) {
      check["evidence"]["cause"] = {{"id", spec.cause},
                                    {"group", "cloud checks"},
                                    {"summary", std::string("share ") + spec.cause + "."},
                                    {"remediation", std::string("fix ") + spec.cause}};
    }
    checks.push_back(check);
  }
  return {{"verdict", verdict}, {"checks", checks}};
}

TEST(ChooseHeadline, FailBeatsWarnAndBlockingChecksBeatTheRest) {
  using Kind = Headline::Kind;
  const struct {
    const char* name;
    const char* verdict;
    std::vector<CheckSpec> checks;
    Kind kind;
    const char* sentence;
    const char* remediation;
  } cases[] = {
      {"everything passes",
       "ready",
       {{"linux.os", "pass"}, {"azure.plan", "skip"}},
       Kind::kClear,
       "No check found a problem.",
       ""},
      {"onboarded and clean",
       "onboarded",
       {{"mde.install", "pass"}},
       Kind::kClear,
       "No check found a problem.",
       ""},
      {"no checks at all", "ready", {}, Kind::kClear, "No check found a problem.", ""},
      {"a warning alone",
       "ready",
       {{"linux.os", "pass"}, {"linux.mounts", "warn"}},
       Kind::kWarning,
       "summary of linux.mounts",
       "fix linux.mounts"},
      {"fail beats an earlier warn of a blocking check",
       "blocked",
       {{"linux.fanotify", "warn"}, {"azure.plan", "fail"}},
       Kind::kBlocking,
       "summary of azure.plan",
       "fix azure.plan"},
      {"fanotify conflict beats an earlier failure",
       "blocked",
       {{"linux.kernel", "fail"}, {"azure.plan", "fail"}, {"linux.fanotify", "fail"}},
       Kind::kBlocking,
       "summary of linux.fanotify",
       "fix linux.fanotify"},
      {"unsupported OS beats a fanotify conflict",
       "blocked",
       {{"linux.fanotify", "fail"}, {"linux.os", "fail"}},
       Kind::kBlocking,
       "summary of linux.os",
       "fix linux.os"},
      {"minifilter conflict beats MDE install",
       "blocked",
       {{"mde.install", "fail"}, {"windows.minifilters", "fail"}},
       Kind::kBlocking,
       "summary of windows.minifilters",
       "fix windows.minifilters"},
      {"unlisted ids keep report order",
       "blocked",
       {{"vendor.b", "fail"}, {"vendor.a", "fail"}},
       Kind::kBlocking,
       "summary of vendor.b",
       "fix vendor.b"},
      {"a listed id beats an unlisted one",
       "blocked",
       {{"vendor.b", "fail"}, {"azure.direct_onboarding", "fail"}},
       Kind::kBlocking,
       "summary of azure.direct_onboarding",
       "fix azure.direct_onboarding"},
      {"onboarded with a failure is unhealthy",
       "unhealthy",
       {{"mde.install", "fail"}, {"azure.plan", "warn"}},
       Kind::kUnhealthy,
       "summary of mde.install",
       "fix mde.install"},
      {"a shared cause is said once for its checks",
       "ready",
       {{"linux.os", "pass"},
        {"azure.plan", "warn", "azure.no_identity"},
        {"azure.integration", "warn", "azure.no_identity"}},
       Kind::kWarning,
       "2 cloud checks share azure.no_identity.",
       "fix azure.no_identity"},
      {"skips name nothing",
       "ready",
       {{"azure.plan", "skip", "azure.outside_azure"}},
       Kind::kClear,
       "No check found a problem.",
       ""},
  };
  for (const auto& c : cases) {
    const nlohmann::json report = ReportOf(c.verdict, c.checks);
    const Headline headline = ChooseHeadline(report, GroupChecks(report["checks"]));
    EXPECT_EQ(headline.kind, c.kind) << c.name;
    EXPECT_EQ(headline.sentence, c.sentence) << c.name;
    EXPECT_EQ(headline.remediation, c.remediation) << c.name;
    EXPECT_EQ(headline.group.has_value(), c.kind != Kind::kClear) << c.name;
  }
}

TEST(OtherFailures, TheFailedChecksTheHeadlineDoesNotName) {
  const nlohmann::json report =
      ReportOf("blocked", {{"azure.plan", "fail", "azure.no_identity"},
                           {"linux.kernel", "fail"},
                           {"azure.integration", "fail", "azure.no_identity"},
                           {"linux.os", "fail"},
                           {"linux.mounts", "warn"}});
  const auto groups = GroupChecks(report["checks"]);
  const Headline headline = ChooseHeadline(report, groups);
  EXPECT_EQ(headline.sentence, "summary of linux.os");
  EXPECT_EQ(OtherFailures(report["checks"], groups, headline),
            (std::vector<std::string>{"azure.plan", "azure.integration", "linux.kernel"}));
}

TEST(ChooseHeadline, AnIgnoredFailureIsAWarning) {
  nlohmann::json report = ReportOf("ready", {{"linux.fanotify", "warn"}, {"azure.plan", "warn"}});
  report["checks"][1]["ignored"] = true;
  Headline headline = ChooseHeadline(report, GroupChecks(report["checks"]));
  EXPECT_EQ(headline.kind, Headline::Kind::kWarning);
  EXPECT_EQ(headline.sentence, "summary of linux.fanotify");
  EXPECT_EQ(headline.note, "");

  // The note goes with the headline when it names the ignored check, and stays on one line.
  report["checks"][0]["ignored"] = true;
  report["checks"][0]["summary"] = std::string(300, 'x').replace(95, 1, " ");
  headline = ChooseHeadline(report, GroupChecks(report["checks"]));
  EXPECT_EQ(headline.note, "(failure ignored by --ignore)");
  EXPECT_NE(RenderText(report, false).find("Worth a look (failure ignored by --ignore):"),
            std::string::npos)
      << RenderText(report, false);
  EXPECT_NE(RenderHtml(report).find("Worth a look (failure ignored by --ignore)</h2>"),
            std::string::npos);
}

TEST(ChooseHeadline, LeadSaysWhatKindOfProblemItIs) {
  const auto lead = [](const char* verdict, const char* status) {
    const nlohmann::json report = ReportOf(verdict, {{"linux.os", status}});
    return ChooseHeadline(report, GroupChecks(report["checks"])).lead;
  };
  EXPECT_EQ(lead("blocked", "fail"), "What blocks onboarding");
  EXPECT_EQ(lead("unhealthy", "fail"), "What is unhealthy");
  EXPECT_EQ(lead("ready", "warn"), "Worth a look");
  EXPECT_EQ(lead("onboarded", "warn"), "Worth a look");
  EXPECT_EQ(lead("ready", "pass"), "");
}

std::size_t Count(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

// A report with the sections in mixed order, a shared cause, and an id of no known section.
nlohmann::json Blocked() {
  nlohmann::json report = ReportOf("blocked", {{"azure.plan", "warn", "azure.no_identity"},
                                               {"mde.install", "pass"},
                                               {"linux.fanotify", "fail"},
                                               {"azure.integration", "warn", "azure.no_identity"},
                                               {"vendor.extra", "warn"},
                                               {"linux.os", "pass"}});
  report["host"] = {{"hostname", "h"}, {"os", {{"pretty_name", "Debian"}}}};
  return report;
}

TEST(RenderText, OpensWithTheVerdictAndTheReasonThenSectionsInOrder) {
  const std::string text = RenderText(Blocked(), false);
  const auto at = [&](const std::string& part) {
    const auto found = text.find(part);
    EXPECT_NE(found, std::string::npos) << part << "\n" << text;
    return found;
  };
  EXPECT_LT(at("Verdict: BLOCKED"), at("What blocks onboarding: summary of linux.fanotify"));
  EXPECT_LT(at("What blocks onboarding"), at("-> fix linux.fanotify"));
  EXPECT_LT(at("-> fix linux.fanotify"), at("\nHost\n"));
  EXPECT_LT(at("\nHost\n"), at("\nDefender for Endpoint\n"));
  EXPECT_LT(at("\nDefender for Endpoint\n"), at("\nCloud (Azure)\n"));
  EXPECT_LT(at("\nCloud (Azure)\n"), at("\nOther checks\n"));
  EXPECT_LT(at("\nOther checks\n"), at("vendor.extra"));
  EXPECT_LT(at("\nHost\n"), at("FAIL  linux.fanotify (see the top of the report)"));
  // The reason and its fix are said once, at the top.
  EXPECT_EQ(Count(text, "summary of linux.fanotify"), 1U) << text;
  EXPECT_EQ(Count(text, "fix linux.fanotify"), 1U) << text;
  EXPECT_EQ(Count(text, "2 cloud checks share azure.no_identity."), 1U) << text;
  EXPECT_EQ(text.find("\nNetwork\n"), std::string::npos) << "an empty section is left out";
  // A pass is one line saying what was verified; problems are said at length.
  EXPECT_NE(text.find("  PASS  linux.os                 title of linux.os\n"), std::string::npos)
      << text;
  EXPECT_EQ(text.find("summary of linux.os"), std::string::npos) << text;
  EXPECT_NE(text.find("WARN  vendor.extra             summary of vendor.extra"), std::string::npos)
      << text;
}

// The page without its copy of the JSON report, which repeats every check by design.
std::string PageBody(const std::string& html) {
  return html.substr(0, html.find("<details class=\"json\">"));
}

TEST(RenderHtml, OpensWithTheVerdictAndTheReasonSaidOnce) {
  const std::string html = RenderHtml(Blocked());
  const std::string body = PageBody(html);
  ASSERT_NE(body.size(), html.size());
  const auto verdict = body.find("id=\"verdict\"");
  const auto headline = body.find("id=\"headline\"");
  ASSERT_NE(verdict, std::string::npos);
  ASSERT_NE(headline, std::string::npos);
  EXPECT_LT(verdict, headline);
  EXPECT_LT(headline, body.find("<section class=\"sec\""));
  EXPECT_NE(body.find("What blocks onboarding"), std::string::npos);
  EXPECT_EQ(Count(body, "summary of linux.fanotify"), 1U);
  EXPECT_EQ(Count(body, "fix linux.fanotify"), 1U);
  EXPECT_EQ(Count(body, "2 cloud checks share azure.no_identity."), 1U);
  EXPECT_EQ(Count(body, "fix azure.no_identity"), 1U);
  // Every check id is on the page, each section in order, the empty one left out.
  for (const char* id : {"azure.plan", "mde.install", "linux.fanotify", "azure.integration",
                         "vendor.extra", "linux.os"}) {
    EXPECT_NE(body.find(std::string("id=\"check-") + id + "\""), std::string::npos) << id;
  }
  EXPECT_LT(body.find("id=\"s-host\""), body.find("id=\"s-mde\""));
  EXPECT_LT(body.find("id=\"s-mde\""), body.find("id=\"s-cloud\""));
  EXPECT_LT(body.find("id=\"s-cloud\""), body.find("id=\"s-other\""));
  EXPECT_EQ(body.find("id=\"s-network\""), std::string::npos);
  // Status in words as well as colour; no script, no external resource.
  EXPECT_NE(body.find("Fail</span>"), std::string::npos);
  EXPECT_NE(body.find("Warning</span>"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("src="), std::string::npos);
  EXPECT_EQ(html.find("href=\"http"), std::string::npos);
  EXPECT_NE(html.find("<html lang=\"en\">"), std::string::npos);
  EXPECT_NE(html.find("@media print"), std::string::npos);
}

TEST(RenderHtml, TablesOfFanotifyHoldersAndMinifiltersEscaped) {
  nlohmann::json report = Blocked();
  report["fanotify_users"] = {{{"pid", 4242},
                               {"comm", "<script>alert(1)</script>"},
                               {"exe", "/opt/av/<b>scand"},
                               {"uid", 0},
                               {"classification", "conflict"},
                               {"blocking", true},
                               {"product", "Acme & Co AV"},
                               {"marks", {{"inode", 0}, {"mount", 2}, {"filesystem", 1}}},
                               {"permission_events", {"open_perm", "access_perm"}}}};
  report["minifilters"] = {{{"name", "acme<flt>"},
                            {"altitude", "328010"},
                            {"group", "FSFilter Anti-Virus"},
                            {"instances", 3},
                            {"classification", "conflict"},
                            {"company", "Acme <Corp>"},
                            {"decided_by", "official_list"}}};
  const std::string html = RenderHtml(report);
  EXPECT_EQ(html.find("<script>"), std::string::npos);
  EXPECT_EQ(html.find("<b>scand"), std::string::npos);
  EXPECT_EQ(html.find("acme<flt>"), std::string::npos);
  const std::string body = PageBody(html);
  EXPECT_NE(body.find("<code>&lt;script&gt;alert(1)&lt;/script&gt;</code>"), std::string::npos);
  EXPECT_NE(body.find("<td>4242</td>"), std::string::npos);
  EXPECT_NE(body.find("root (uid 0)"), std::string::npos);
  EXPECT_NE(body.find("1 file system, 2 mounts"), std::string::npos);
  EXPECT_NE(body.find("open_perm, access_perm"), std::string::npos);
  EXPECT_NE(body.find("Conflict: can block file access"), std::string::npos);
  EXPECT_NE(body.find("Acme &amp; Co AV"), std::string::npos);
  EXPECT_NE(body.find("<code>acme&lt;flt&gt;</code></td><td>Acme &lt;Corp&gt;<div class=\"title\">"
                      "per Microsoft's altitude list</div></td><td>328010</td><td>FSFilter "
                      "Anti-Virus</td><td>3</td>"),
            std::string::npos)
      << body;
  // Both tables sit in the host section, after its checks.
  EXPECT_LT(body.find("id=\"s-host\""), body.find("id=\"fanotify-holders\""));
  EXPECT_LT(body.find("id=\"fanotify-holders\""), body.find("id=\"s-mde\""));
}

TEST(RenderHtml, AHostileReportStillRenders) {
  for (const nlohmann::json& report :
       {nlohmann::json(), nlohmann::json::array(), nlohmann::json({{"checks", 3}}),
        nlohmann::json({{"checks", {1, "x", nullptr}}, {"fanotify_users", {1, {{"uid", "x"}}}}})}) {
    const std::string html = RenderHtml(report);
    EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0U) << report.dump();
    EXPECT_NE(html.find("</html>"), std::string::npos) << report.dump();
  }
}

}  // namespace
}  // namespace preflight

#include "agent/render_html.h"

#include <sstream>

#include "agent/render_html_parts.h"
#include "agent/report.h"
#include "agent/report_outline.h"

namespace preflight {

std::string HtmlEscape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

namespace {

std::string Dump(const nlohmann::json& value) {
  return value.dump(1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// Where the report links to a check: "check-linux.fanotify".
std::string Anchor(const std::string& id) { return "check-" + HtmlEscape(id); }

// A check's evidence, folded.
void RenderEvidence(std::ostringstream& out, const nlohmann::json& check) {
  const nlohmann::json& evidence = JsonMember(check, "evidence");
  if (evidence.is_null() || evidence.empty()) return;
  out << "<details><summary>Evidence</summary><pre>" << HtmlEscape(Dump(evidence))
      << "</pre></details>";
}

// The checks that share a cause, folded together: each one's own summary and evidence, without
// the shared cause the row says once.
void RenderGroupEvidence(std::ostringstream& out, const nlohmann::json& checks,
                         const CheckGroup& group) {
  out << "<details><summary>Each check and its evidence</summary>";
  for (const std::size_t member : group.members) {
    const nlohmann::json& check = checks[member];
    nlohmann::json evidence = JsonMember(check, "evidence");
    if (evidence.is_object()) evidence.erase("cause");
    out << "<p><code>" << HtmlEscape(JsonText(check, "id"))
        << "</code>: " << HtmlEscape(JsonText(check, "summary")) << "</p>";
    if (!evidence.is_null() && !evidence.empty()) {
      out << "<pre>" << HtmlEscape(Dump(evidence)) << "</pre>";
    }
  }
  out << "</details>";
}

// One table row for a check or for the checks that share a cause. The row of the entry the
// report opens with points there instead of repeating its sentence.
void RenderRow(std::ostringstream& out, const nlohmann::json& checks, const CheckGroup& group,
               bool is_headline) {
  const nlohmann::json& first = checks[group.members.front()];
  const std::string status = JsonText(first, "status");
  out << "<tr class=\"r-" << HtmlEscape(status) << "\"";
  if (!group.cause) out << " id=\"" << Anchor(JsonText(first, "id")) << "\"";
  out << "><td>" << StatusBadge(status, JsonFlag(first, "ignored")) << "</td><td>";
  if (group.cause) {
    out << "<ul class=\"ids\">";
    for (const std::size_t member : group.members) {
      const std::string id = JsonText(checks[member], "id");
      out << "<li id=\"" << Anchor(id) << "\"><code>" << HtmlEscape(id) << "</code></li>";
    }
    out << "</ul>";
  } else {
    out << "<code>" << HtmlEscape(JsonText(first, "id")) << "</code><div class=\"title\">"
        << HtmlEscape(JsonText(first, "title")) << "</div>";
  }
  out << "</td><td>";
  if (is_headline) {
    out << "<a href=\"#headline\">Said at the top of this report.</a>";
  } else {
    out << HtmlEscape(GroupSentence(checks, group));
  }
  if (group.cause) {
    RenderGroupEvidence(out, checks, group);
  } else {
    RenderEvidence(out, first);
  }
  const std::string remediation = GroupRemediation(checks, group);
  out << "</td><td class=\"todo\">";
  if (is_headline && !remediation.empty()) {
    out << "<a href=\"#headline\">See above.</a>";
  } else {
    out << HtmlEscape(remediation);
  }
  out << "</td></tr>\n";
}

void RenderSection(std::ostringstream& out, const nlohmann::json& report,
                   const std::vector<CheckGroup>& groups, const Headline& headline,
                   const ReportSection& section) {
  const nlohmann::json& checks = report["checks"];
  const std::vector<std::size_t> in_section = GroupsInSection(checks, groups, section.key);
  if (in_section.empty()) return;
  const std::string title = HtmlEscape(std::string(section.title));
  out << "<section class=\"sec\" id=\"s-" << HtmlEscape(std::string(section.key))
      << "\" aria-labelledby=\"h-" << HtmlEscape(std::string(section.key)) << "\"><h2 id=\"h-"
      << HtmlEscape(std::string(section.key)) << "\">" << title << "</h2>\n"
      << "<table class=\"checks\"><caption>" << title << " checks</caption>"
      << "<colgroup><col class=\"c-status\"><col class=\"c-check\"><col><col class=\"c-todo\">"
      << "</colgroup><thead><tr><th scope=\"col\">Status</th><th scope=\"col\">Check</th>"
      << "<th scope=\"col\">Finding</th><th scope=\"col\">What to do</th></tr></thead><tbody>\n";
  for (const std::size_t index : in_section) {
    RenderRow(out, checks, groups[index], headline.group == index);
  }
  out << "</tbody></table>\n";
  if (SectionOf("linux.fanotify") == section.key) RenderFanotifyTable(out, report);
  if (SectionOf("windows.minifilters") == section.key) RenderMinifilterTable(out, report);
  out << "</section>\n";
}

}  // namespace

std::string RenderHtml(const nlohmann::json& report) {
  nlohmann::json normal = report.is_object() ? report : nlohmann::json::object();
  normal["checks"] = ChecksOf(report);
  const std::vector<CheckGroup> groups = GroupChecks(normal["checks"]);
  const Headline headline = ChooseHeadline(normal, groups);
  const nlohmann::json& host = JsonMember(normal, "host");
  std::ostringstream out;
  out << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      << "<title>" << HtmlEscape(JsonText(host, "hostname")) << ": "
      << HtmlEscape(JsonText(normal, "verdict")) << " - MDE onboarding preflight</title><style>"
      << kReportStyle << "</style></head><body><div class=\"page\">\n";
  RenderTop(out, normal, groups, headline);
  out << "<main>\n";
  for (const ReportSection& section : ReportSections()) {
    RenderSection(out, normal, groups, headline, section);
  }
  out << "<details class=\"json\"><summary>The whole JSON report</summary><pre>"
      << HtmlEscape(Dump(report)) << "</pre></details>\n</main></div></body></html>\n";
  return out.str();
}

}  // namespace preflight

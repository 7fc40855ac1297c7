#include "agent/render_html.h"

#include <sstream>

#include "agent/report.h"

namespace preflight {
namespace {

std::string Str(const nlohmann::json& j, const char* key) {
  if (!j.is_object() || !j.contains(key)) return {};
  const nlohmann::json& v = j[key];
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return {};
  return v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

constexpr const char* kStyle = R"(
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem;color:#1b1b1b;max-width:72rem}
h1{font-size:1.4rem;margin-bottom:.2rem} .host{color:#555;margin-top:0}
.verdict{display:inline-block;padding:.4rem .8rem;border-radius:.3rem;font-weight:600;color:#fff}
.v-onboarded,.v-ready{background:#1a7f37} .v-blocked,.v-unhealthy{background:#c62828}
table{border-collapse:collapse;width:100%;margin-top:1rem} th,td{text-align:left;vertical-align:top;
padding:.45rem .6rem;border-bottom:1px solid #ddd} th{background:#f4f4f4}
.s{font-weight:600;border-radius:.2rem;padding:.1rem .4rem;font-size:.85rem}
.s-pass{background:#dafbe1;color:#1a7f37} .s-warn{background:#fff8c5;color:#7d4e00}
.s-fail{background:#ffebe9;color:#c62828} .s-skip{background:#eee;color:#555}
.fix{color:#444;font-size:.9rem;margin-top:.3rem} code{font-size:.85rem}
details pre{white-space:pre-wrap;font-size:.8rem;background:#f6f8fa;padding:.5rem}
ul.ids{margin:.3rem 0 0 0;padding-left:1.1rem}
)";

}  // namespace

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
  return value.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string StatusCell(const nlohmann::json& check) {
  const std::string status = Str(check, "status");
  return "<td><span class=\"s s-" + HtmlEscape(status) + "\">" + HtmlEscape(status) + "</span>" +
         (check.value("ignored", false) ? " (ignored)" : "") + "</td>";
}

void RenderCheckRow(std::ostringstream& out, const nlohmann::json& check) {
  const std::string status = Str(check, "status");
  out << "<tr>" << StatusCell(check) << "<td><code>" << HtmlEscape(Str(check, "id"))
      << "</code><br>" << HtmlEscape(Str(check, "title")) << "</td><td>"
      << HtmlEscape(Str(check, "summary"));
  const std::string remediation = Str(check, "remediation");
  if (!remediation.empty() && status != "pass") {
    out << "<div class=\"fix\">" << HtmlEscape(remediation) << "</div>";
  }
  const nlohmann::json evidence = check.value("evidence", nlohmann::json::object());
  if (!evidence.empty()) {
    out << "<details><summary>evidence</summary><pre>" << HtmlEscape(Dump(evidence))
        << "</pre></details>";
  }
  out << "</td></tr>\n";
}

// One row for the checks that share a cause: the cause and its remediation once, every check's
// own summary and evidence folded below.
void RenderGroupRow(std::ostringstream& out, const nlohmann::json& checks,
                    const CheckGroup& group) {
  const nlohmann::json& first = checks[group.members.front()];
  out << "<tr>" << StatusCell(first) << "<td>" << group.members.size() << " "
      << HtmlEscape(group.cause->group) << ":<ul class=\"ids\">";
  for (const std::size_t member : group.members) {
    out << "<li><code>" << HtmlEscape(Str(checks[member], "id")) << "</code></li>";
  }
  out << "</ul></td><td>" << group.members.size() << " " << HtmlEscape(group.cause->group) << " "
      << HtmlEscape(group.cause->summary);
  if (!group.cause->remediation.empty()) {
    out << "<div class=\"fix\">" << HtmlEscape(group.cause->remediation) << "</div>";
  }
  out << "<details><summary>each check</summary>";
  for (const std::size_t member : group.members) {
    const nlohmann::json& check = checks[member];
    out << "<p><code>" << HtmlEscape(Str(check, "id")) << "</code> "
        << HtmlEscape(Str(check, "title")) << ": " << HtmlEscape(Str(check, "summary"))
        << "</p><pre>" << HtmlEscape(Dump(check.value("evidence", nlohmann::json::object())))
        << "</pre>";
  }
  out << "</details></td></tr>\n";
}

}  // namespace

std::string RenderHtml(const nlohmann::json& report) {
  const auto e = [](const std::string& s) { return HtmlEscape(s); };
  const nlohmann::json host = report.value("host", nlohmann::json::object());
  const nlohmann::json os = host.value("os", nlohmann::json::object());
  const std::string verdict = Str(report, "verdict");
  std::ostringstream out;
  out << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      << "<title>mde-preflight: " << e(Str(host, "hostname")) << " " << e(verdict) << "</title>"
      << "<style>" << kStyle << "</style></head><body>\n";
  out << "<h1>MDE onboarding preflight: " << e(Str(host, "hostname")) << "</h1>\n";
  out << "<p class=\"host\">" << e(Str(os, "pretty_name")) << " &middot; kernel "
      << e(Str(host, "kernel")) << " &middot; " << e(Str(host, "arch")) << " &middot; generated "
      << e(Str(report, "generated_at")) << " by mde-preflight "
      << e(Str(report.value("agent", nlohmann::json::object()), "version")) << "</p>\n";
  out << "<p><span class=\"verdict v-" << e(verdict) << "\">" << e(verdict) << "</span></p>\n";
  out << "<table><thead><tr><th>Status</th><th>Check</th><th>Finding</th></tr></thead><tbody>\n";
  const nlohmann::json checks = report.value("checks", nlohmann::json::array());
  for (const CheckGroup& group : GroupChecks(checks)) {
    if (group.cause) {
      RenderGroupRow(out, checks, group);
    } else {
      RenderCheckRow(out, checks[group.members.front()]);
    }
  }
  out << "</tbody></table>\n";
  out << "<details><summary>Full JSON report</summary><pre>" << e(Dump(report))
      << "</pre></details>\n</body></html>\n";
  return out.str();
}

}  // namespace preflight

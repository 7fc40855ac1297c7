#include "agent/render_html_parts.h"

#include <utility>

#include "agent/render_html.h"

namespace preflight {

// Print: evidence unfolded (Chromium 131+ styles a closed <details> through ::details-content),
// no background fills, each section from a new page, the JSON copy left out (report.json is
// beside the page).
const char* const kReportStyle = R"(
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1b1b1b;
background:#fff}
.page{max-width:80rem;margin:0 auto;padding:1.2rem 2rem 3rem}
.product{margin:0;color:#555;font-size:.9rem} h1{font-size:1.6rem;margin:.1rem 0 0}
.host{color:#555;margin:.1rem 0 .8rem;font-size:.9rem}
.verdict{display:flex;gap:.7rem;align-items:baseline;flex-wrap:wrap;padding:.6rem 1rem;
border-left:.5rem solid;border-radius:.3rem;font-size:1.05rem}
.verdict strong{font-size:1.6rem;letter-spacing:.03em}
.v-blocked,.v-unhealthy{background:#fdecea;border-color:#b3261e;color:#8c1d18}
.v-ready,.v-onboarded{background:#e6f4ea;border-color:#1a7f37;color:#14532d}
.headline{border:2px solid #b3261e;border-radius:.4rem;padding:.8rem 1.1rem;margin:.9rem 0}
.k-warning{border-color:#9a6700} .k-clear{border-color:#1a7f37}
.headline h2{margin:0;font-size:.85rem;text-transform:uppercase;letter-spacing:.06em;color:#555;
border:0;padding:0}
.headline .sentence{font-size:1.2rem;font-weight:600;margin:.3rem 0 .5rem}
.headline .more{margin:.2rem 0 .5rem}
.headline .fix{background:#f6f8fa;border-radius:.3rem;padding:.5rem .8rem;margin:.4rem 0}
.headline .from{margin:.4rem 0 0;color:#555;font-size:.9rem}
.facts{display:flex;flex-wrap:wrap;gap:.3rem 2rem;margin:.5rem 0 0;padding:0}
.facts div{display:flex;gap:.4rem} .facts dt{color:#555} .facts dd{margin:0;font-weight:600}
h2{font-size:1.3rem;border-bottom:2px solid #ddd;padding-bottom:.2rem;margin:2rem 0 .6rem}
h3{font-size:1.05rem;margin:1.2rem 0 .4rem}
table{border-collapse:collapse;width:100%;table-layout:fixed} table.holders{table-layout:auto} caption{text-align:left;position:absolute;left:-9999px}
th,td{text-align:left;vertical-align:top;padding:.45rem .6rem;border-bottom:1px solid #ddd}
thead th{background:#f4f4f4;font-size:.85rem} .c-status{width:8rem} .c-check{width:17rem}
.c-todo{width:30%} .title{color:#555;font-size:.85rem} td.todo{font-size:.9rem}
.s{white-space:nowrap;font-weight:600;border-radius:.2rem;padding:.1rem .4rem;font-size:.85rem}
.s-pass{background:#dafbe1;color:#116329} .s-warn{background:#fff8c5;color:#6c4400}
.s-fail{background:#ffebe9;color:#a40e26} .s-skip{background:#eee;color:#444}
.r-fail td:first-child{box-shadow:inset 4px 0 #b3261e}
.r-warn td:first-child{box-shadow:inset 4px 0 #bf8700}
ul.ids{margin:0;padding-left:1.1rem} code{font-size:.85rem;overflow-wrap:anywhere}
details{margin-top:.3rem} summary{cursor:pointer;color:#0550ae;font-size:.85rem}
details pre{white-space:pre-wrap;word-break:break-word;font-size:.78rem;background:#f6f8fa;
padding:.5rem;margin:.3rem 0}
.json{margin-top:2.5rem}
@media print{
body{font-size:10pt} .page{max-width:none;padding:0}
.verdict,.s,thead th,details pre,.headline .more{margin:.2rem 0 .5rem}
.headline .fix{background:none!important}
.verdict{border:2px solid} .s{border:1px solid;padding:0 .2rem}
.r-fail td:first-child,.r-warn td:first-child{box-shadow:none}
section.sec~section.sec{break-before:page} h2,h3,thead{break-after:avoid}
.headline{break-inside:avoid} .c-status{width:6rem} .c-check{width:10rem} .c-todo{width:28%}
details pre{font-size:7pt;padding:0}
details::details-content{content-visibility:visible;display:block}
summary{color:inherit} a{color:inherit;text-decoration:none} .json{display:none}
}
)";

namespace {

std::string E(const std::string& text) { return HtmlEscape(text); }

// A symbol beside the words that say the same, hidden from screen readers.
std::string Icon(const char* entity) {
  return std::string("<span aria-hidden=\"true\">") + entity + "</span> ";
}

std::string Cell(const nlohmann::json& value) {
  if (value.is_string()) return E(value.get<std::string>());
  if (value.is_number() || value.is_boolean()) return E(value.dump());
  return "<span class=\"title\">unknown</span>";
}

std::string VerdictWord(const std::string& verdict) {
  if (verdict == "blocked") return Icon("&#10006;") + "Blocked";
  if (verdict == "unhealthy") return Icon("&#10006;") + "Unhealthy";
  if (verdict == "ready") return Icon("&#10004;") + "Ready";
  if (verdict == "onboarded") return Icon("&#10004;") + "Onboarded";
  return E(verdict.empty() ? std::string("unknown") : verdict);
}

const char* HeadlineClass(Headline::Kind kind) {
  switch (kind) {
    case Headline::Kind::kBlocking:
    case Headline::Kind::kUnhealthy:
      return "k-problem";
    case Headline::Kind::kWarning:
      return "k-warning";
    case Headline::Kind::kClear:
      break;
  }
  return "k-clear";
}

void RenderFacts(std::ostringstream& out, const nlohmann::json& report) {
  const nlohmann::json& counts = JsonMember(report, "counts");
  const auto count = [&](const char* key) { return JsonCount(counts, key); };
  out << "<dl class=\"facts\"><div><dt>Defender for Endpoint</dt><dd>"
      << E(MdeDescription(JsonMember(report, "mde"))) << "</dd></div><div><dt>Environment</dt><dd>"
      << E(JsonText(JsonMember(report, "environment"), "kind"))
      << "</dd></div><div><dt>Checks</dt><dd>" << count("fail") << " fail, " << count("warn")
      << " warn, " << count("pass") << " pass, " << count("skip") << " skipped</dd></div></dl>\n";
}

// "2 mount, 1 filesystem; permission events: open_perm" from a holder's marks and events.
std::string Watches(const nlohmann::json& user) {
  // The widest reach first: fanotify_mark(2) FAN_MARK_FILESYSTEM, FAN_MARK_MOUNT, an inode.
  constexpr std::pair<const char*, const char*> kKinds[] = {{"filesystem", "file system"},
                                                            {"mount_namespace", "mount namespace"},
                                                            {"mount", "mount"},
                                                            {"inode", "file or directory"},
                                                            {"other", "other mark"}};
  std::string marks;
  const nlohmann::json& counts = JsonMember(user, "marks");
  for (const auto& [key, words] : kKinds) {
    const nlohmann::json& n = JsonMember(counts, key);
    if (!n.is_number_integer() || n.get<long long>() == 0) continue;
    marks += (marks.empty() ? "" : ", ") + n.dump() + " " + words;
    if (n.get<long long>() != 1) marks += words == std::string("file or directory") ? "" : "s";
  }
  if (marks.empty()) marks = "no marks";
  const nlohmann::json& events = JsonMember(user, "permission_events");
  std::string names;
  for (const auto& event : events.is_array() ? events : nlohmann::json::array()) {
    if (event.is_string()) names += (names.empty() ? "" : ", ") + event.get<std::string>();
  }
  return E(marks) + (names.empty() ? "" : "<br>permission events: " + E(names));
}

std::string HolderClassification(const nlohmann::json& user) {
  const std::string c = JsonText(user, "classification");
  std::string words = E(c);
  if (c == "conflict") words = Icon("&#10006;") + "Conflict: can block file access";
  if (c == "allowed") words = "Allowed with conditions (fapolicyd)";
  if (c == "mde") words = "Defender for Endpoint";
  if (c == "notify") {
    words = JsonFlag(user, "can_block")
                ? "Notification marks only: its content-class group can add blocking marks"
                : "Notification only: cannot block";
  }
  if (JsonFlag(user, "blocking_unknown")) words += " (blocking unknown)";
  const std::string product = JsonText(user, "product");
  return words + (product.empty() ? "" : "<div class=\"title\">" + E(product) + "</div>");
}

// Under the company: which source named and judged the filter (probes/windows/minifilters.h).
std::string DecidedBy(const nlohmann::json& filter) {
  const std::string by = JsonText(filter, "decided_by");
  std::string words;
  if (by == "official_list") words = "per Microsoft's altitude list";
  if (by == "catalog") words = "per the product catalog";
  if (by == "altitude") words = "by altitude only";
  return words.empty() ? "" : "<div class=\"title\">" + words + "</div>";
}

}  // namespace

std::string StatusBadge(const std::string& status, bool ignored) {
  std::string words = E(status);
  if (status == "pass") words = Icon("&#10004;") + "Pass";
  if (status == "warn") words = Icon("&#9888;") + "Warning";
  if (status == "fail") words = Icon("&#10006;") + "Fail";
  if (status == "skip") words = Icon("&#8211;") + "Skipped";
  return "<span class=\"s s-" + E(status) + "\">" + words + "</span>" +
         (ignored ? "<div class=\"title\">failure ignored by --ignore</div>" : "");
}

void RenderTop(std::ostringstream& out, const nlohmann::json& report,
               const std::vector<CheckGroup>& groups, const Headline& headline) {
  const nlohmann::json& host = JsonMember(report, "host");
  const nlohmann::json& os = JsonMember(host, "os");
  const std::string verdict = JsonText(report, "verdict");
  const nlohmann::json& checks = report["checks"];
  int failed = 0;
  for (const auto& check : checks) failed += JsonText(check, "status") == "fail" ? 1 : 0;
  out << "<header><p class=\"product\">MDE onboarding preflight &middot; mde-preflight "
      << E(JsonText(JsonMember(report, "agent"), "version")) << "</p><h1>"
      << E(JsonText(host, "hostname")) << "</h1><p class=\"host\">"
      << E(JsonText(os, "pretty_name")) << " &middot; kernel " << E(JsonText(host, "kernel"))
      << " &middot; " << E(JsonText(host, "arch")) << " &middot; generated "
      << E(JsonText(report, "generated_at")) << "</p>\n";
  out << "<div class=\"verdict v-" << E(verdict) << "\" id=\"verdict\"><strong>"
      << VerdictWord(verdict) << "</strong><span>" << E(VerdictSentence(verdict, failed))
      << "</span></div>\n";
  out << "<section class=\"headline " << HeadlineClass(headline.kind)
      << "\" id=\"headline\" aria-labelledby=\"headline-lead\"><h2 id=\"headline-lead\">"
      << E(headline.lead.empty() ? std::string("Nothing to do") : headline.lead)
      << (headline.note.empty() ? "" : " " + E(headline.note)) << "</h2>";
  const auto [first, rest] = SplitFirstSentence(headline.sentence);
  out << "<p class=\"sentence\">" << E(first) << "</p>";
  if (!rest.empty()) out << "<p class=\"more\">" << E(rest) << "</p>";
  if (!headline.remediation.empty()) {
    out << "<p class=\"fix\"><strong>What to do:</strong> " << E(headline.remediation) << "</p>";
  }
  if (headline.group) {
    out << "<p class=\"from\">Found by ";
    const std::vector<std::size_t>& members = groups[*headline.group].members;
    for (std::size_t i = 0; i < members.size(); ++i) {
      const std::string id = JsonText(checks[members[i]], "id");
      out << (i == 0 ? "" : ", ") << "<a href=\"#check-" << E(id) << "\"><code>" << E(id)
          << "</code></a>";
    }
    if (members.size() == 1) out << ": " << E(JsonText(checks[members[0]], "title"));
    out << "</p>";
  }
  const std::vector<std::string> others = OtherFailures(checks, groups, headline);
  if (!others.empty()) {
    out << "<p class=\"from\">Also failed: ";
    for (std::size_t i = 0; i < others.size(); ++i) {
      out << (i == 0 ? "" : ", ") << "<a href=\"#check-" << E(others[i]) << "\"><code>"
          << E(others[i]) << "</code></a>";
    }
    out << "</p>";
  }
  out << "</section>\n";
  RenderFacts(out, report);
  out << "</header>\n";
}

void RenderFanotifyTable(std::ostringstream& out, const nlohmann::json& report) {
  const nlohmann::json& users = JsonMember(report, "fanotify_users");
  if (!users.is_array() || users.empty()) return;
  out << "<h3 id=\"fanotify-holders\">Programs holding fanotify groups</h3>"
      << "<table class=\"holders\"><caption>Programs holding fanotify groups</caption><thead><tr>"
      << "<th scope=\"col\">PID</th><th scope=\"col\">Process</th><th scope=\"col\">User</th>"
      << "<th scope=\"col\">What it watches</th><th scope=\"col\">Classification</th></tr>"
      << "</thead><tbody>\n";
  for (const nlohmann::json& user : users) {
    if (!user.is_object()) continue;
    const nlohmann::json& uid = JsonMember(user, "uid");
    const std::string who = uid.is_number_integer() && uid.get<long long>() == 0
                                ? "root (uid 0)"
                                : (uid.is_null() ? "unknown" : "uid " + uid.dump());
    out << "<tr><td>" << Cell(JsonMember(user, "pid")) << "</td><td><code>"
        << E(JsonText(user, "comm")) << "</code><div class=\"title\">" << E(JsonText(user, "exe"))
        << "</div></td><td>" << E(who) << "</td><td>" << Watches(user) << "</td><td>"
        << HolderClassification(user) << "</td></tr>\n";
  }
  out << "</tbody></table>\n";
}

void RenderMinifilterTable(std::ostringstream& out, const nlohmann::json& report) {
  const nlohmann::json& filters = JsonMember(report, "minifilters");
  if (!filters.is_array() || filters.empty()) return;
  out << "<h3 id=\"minifilters\">File-system minifilters</h3>"
      << "<table class=\"holders\"><caption>File-system minifilters</caption><thead><tr>"
      << "<th scope=\"col\">Name</th><th scope=\"col\">Company</th>"
      << "<th scope=\"col\">Altitude</th><th scope=\"col\">Group</th>"
      << "<th scope=\"col\">Instances</th><th scope=\"col\">Classification</th></tr>"
      << "</thead><tbody>\n";
  for (const nlohmann::json& filter : filters) {
    if (!filter.is_object()) continue;
    const std::string c = JsonText(filter, "classification");
    std::string words = E(c);
    if (c == "conflict") words = Icon("&#10006;") + "Conflict: another anti-virus filter";
    if (c == "mde") words = "Defender";
    if (c == "notify") words = "Activity monitor: does not conflict";
    if (c == "allowed") words = "Compatible";
    const std::string product = JsonText(filter, "product");
    out << "<tr><td><code>" << E(JsonText(filter, "name")) << "</code></td><td>"
        << Cell(JsonMember(filter, "company")) << DecidedBy(filter) << "</td><td>"
        << Cell(JsonMember(filter, "altitude")) << "</td><td>" << Cell(JsonMember(filter, "group"))
        << "</td><td>" << Cell(JsonMember(filter, "instances")) << "</td><td>" << words
        << (product.empty() ? "" : "<div class=\"title\">" + E(product) + "</div>")
        << "</td></tr>\n";
  }
  out << "</tbody></table>\n";
}

}  // namespace preflight

#include "agent/render_text.h"

#include <algorithm>
#include <cctype>
#include <sstream>
#include <vector>

#include "agent/report.h"
#include "agent/report_outline.h"

namespace preflight {
namespace {

constexpr std::size_t kWidth = 100;
constexpr std::size_t kIdColumn = 24;
// Where a group's text starts: right after "  WARN  ".
constexpr std::size_t kGroupColumn = 8;
// The fewest characters a first line keeps however long the id before it.
constexpr std::size_t kMinLine = 20;
// What the entry the report opens with says in its section instead of repeating itself.
constexpr char kSaidAbove[] = " (see the top of the report)";

// Wraps text into lines of at most `width` characters, breaking at spaces.
std::vector<std::string> Wrap(const std::string& text, std::size_t width) {
  std::vector<std::string> lines;
  std::istringstream words(text);
  std::string word;
  std::string line;
  while (words >> word) {
    if (!line.empty() && line.size() + 1 + word.size() > width) {
      lines.push_back(line);
      line.clear();
    }
    if (!line.empty()) line += ' ';
    line += word;
  }
  if (!line.empty()) lines.push_back(line);
  return lines;
}

struct Palette {
  bool on;
  std::string Paint(const std::string& text, const char* code) const {
    return on ? std::string("\033[") + code + "m" + text + "\033[0m" : text;
  }
};

const char* StatusColour(const std::string& status) {
  if (status == "pass") return "32";
  if (status == "warn") return "33";
  if (status == "fail") return "1;31";
  return "2";
}

std::string Upper(std::string text) {
  for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

std::string Label(const std::string& status) {
  const std::string label = Upper(status);
  return label.size() < 4 ? label + " " : label;
}

// "  WARN  azure.plan               summary..." with the summary and the remediation wrapped under
// the summary column. The check the report opens with is one line: its status and id. A pass
// says what was verified (its title), so the terminal shows problems at length and passes in a
// line each; the JSON and HTML reports keep every summary.
void RenderCheck(std::ostringstream& out, const Palette& p, const CheckGroup& group,
                 const nlohmann::json& checks, bool is_headline) {
  const nlohmann::json& check = checks[group.members.front()];
  const std::string status = JsonText(check, "status");
  const std::string indent(kIdColumn + 9, ' ');
  std::string id = JsonText(check, "id");
  if (is_headline) {
    out << "  " << p.Paint(Label(status), StatusColour(status)) << "  " << id << kSaidAbove << "\n";
    return;
  }
  if (id.size() < kIdColumn) id.resize(kIdColumn, ' ');
  // An id longer than its column pushes the first line right: that line holds fewer words.
  const std::size_t overflow = std::min(id.size() - kIdColumn, kWidth - indent.size() - kMinLine);
  const std::string title = JsonText(check, "title");
  std::vector<std::string> lines =
      Wrap(status == "pass" && !title.empty() ? title : GroupSentence(checks, group),
           kWidth - indent.size() - overflow);
  if (overflow > 0 && lines.size() > 1) {
    std::string rest;
    for (std::size_t i = 1; i < lines.size(); ++i) rest += (i == 1 ? "" : " ") + lines[i];
    lines.resize(1);
    for (auto& line : Wrap(rest, kWidth - indent.size())) lines.push_back(std::move(line));
  }
  out << "  " << p.Paint(Label(status), StatusColour(status)) << "  " << id << " "
      << (lines.empty() ? "" : lines[0]) << "\n";
  for (std::size_t i = 1; i < lines.size(); ++i) out << indent << lines[i] << "\n";
  if (const std::string note = IgnoredNote(checks, group); !note.empty()) {
    out << indent << note << "\n";
  }
  const std::string remediation = GroupRemediation(checks, group);
  if (!remediation.empty()) {
    for (const auto& line : Wrap("-> " + remediation, kWidth - indent.size())) {
      out << indent << p.Paint(line, "2") << "\n";
    }
  }
}

// Checks that share one cause: "  WARN  4 cloud checks could not run: <cause>", their ids, and
// the remediation once, all wrapped under the id column. The group the report opens with shows its
// ids only.
void RenderGroup(std::ostringstream& out, const Palette& p, const nlohmann::json& checks,
                 const CheckGroup& group, bool is_headline) {
  const std::string status = JsonText(checks[group.members.front()], "status");
  const std::string indent(kGroupColumn, ' ');
  const std::size_t width = kWidth - indent.size();
  std::string ids;
  for (const std::size_t member : group.members) {
    ids += (ids.empty() ? "" : ", ") + JsonText(checks[member], "id");
  }
  if (is_headline) ids += kSaidAbove;
  const std::string headline = is_headline ? ids : GroupSentence(checks, group);
  const auto lines = Wrap(headline, width);
  out << "  " << p.Paint(Label(status), StatusColour(status)) << "  " << lines[0] << "\n";
  for (std::size_t i = 1; i < lines.size(); ++i) out << indent << lines[i] << "\n";
  if (is_headline) return;
  if (const std::string note = IgnoredNote(checks, group); !note.empty()) {
    out << indent << note << "\n";
  }
  for (const auto& line : Wrap(ids, width)) out << indent << line << "\n";
  const std::string remediation = GroupRemediation(checks, group);
  if (!remediation.empty()) {
    for (const auto& line : Wrap("-> " + remediation, width)) {
      out << indent << p.Paint(line, "2") << "\n";
    }
  }
}

std::string Title(const nlohmann::json& report) {
  const nlohmann::json host = JsonMember(report, "host");
  const nlohmann::json os = JsonMember(host, "os");
  std::string title = "mde-preflight " + JsonText(JsonMember(report, "agent"), "version");
  for (const std::string& part : {JsonText(host, "hostname"), JsonText(os, "pretty_name"),
                                  JsonText(host, "kernel"), JsonText(host, "arch")}) {
    if (!part.empty()) title += " | " + part;
  }
  return title;
}

int CountFailed(const nlohmann::json& checks) {
  int failed = 0;
  for (const auto& check : checks) failed += JsonText(check, "status") == "fail" ? 1 : 0;
  return failed;
}

// The verdict, the one sentence that matters with what to do, and the facts behind the verdict.
void RenderTop(std::ostringstream& out, const Palette& p, const nlohmann::json& report,
               const std::vector<CheckGroup>& groups, const Headline& headline) {
  const std::string verdict = JsonText(report, "verdict");
  const nlohmann::json checks = ChecksOf(report);
  const char* verdict_colour = verdict == "blocked" || verdict == "unhealthy" ? "1;31" : "1;32";
  out << p.Paint("Verdict: " + Upper(verdict), verdict_colour) << " - "
      << VerdictSentence(verdict, CountFailed(checks)) << "\n";
  std::string sentence = headline.sentence;
  if (!headline.lead.empty()) {
    sentence = headline.lead + (headline.note.empty() ? "" : " " + headline.note) + ": " + sentence;
  }
  for (const auto& line : Wrap(sentence, kWidth)) out << p.Paint(line, "1") << "\n";
  if (!headline.remediation.empty()) {
    for (const auto& line : Wrap("-> " + headline.remediation, kWidth - 2)) {
      out << "  " << line << "\n";
    }
  }
  std::string others;
  for (const std::string& id : OtherFailures(checks, groups, headline)) {
    others += (others.empty() ? "Also failed: " : ", ") + id;
  }
  for (const auto& line : Wrap(others, kWidth)) out << line << "\n";
  const std::string facts =
      "MDE: " + MdeDescription(JsonMember(report, "mde")) +
      " | Environment: " + JsonText(JsonMember(report, "environment"), "kind") +
      " | Checks: " + CountsText(report) + " (" + JsonCount(report, "duration_ms") + " ms)";
  for (const auto& line : Wrap(facts, kWidth)) out << line << "\n";
}

}  // namespace

std::string RenderText(const nlohmann::json& report, bool color) {
  const Palette p{color};
  std::ostringstream out;
  out << p.Paint(Title(report), "1") << "\n\n";
  const nlohmann::json checks = ChecksOf(report);
  const std::vector<CheckGroup> groups = GroupChecks(checks);
  const Headline headline = ChooseHeadline(report, groups);
  RenderTop(out, p, report, groups, headline);
  for (const ReportSection& section : ReportSections()) {
    const std::vector<std::size_t> in_section = GroupsInSection(checks, groups, section.key);
    if (in_section.empty()) continue;
    out << "\n" << p.Paint(std::string(section.title), "1") << "\n";
    for (const std::size_t index : in_section) {
      const bool is_headline = headline.group == index;
      if (groups[index].cause) {
        RenderGroup(out, p, checks, groups[index], is_headline);
      } else {
        RenderCheck(out, p, groups[index], checks, is_headline);
      }
    }
  }
  return out.str();
}

}  // namespace preflight

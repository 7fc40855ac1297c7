#include "agent/render_text.h"

#include <algorithm>
#include <cctype>
#include <sstream>
#include <vector>

#include "agent/report.h"

namespace preflight {
namespace {

constexpr std::size_t kWidth = 100;
constexpr std::size_t kIdColumn = 24;
// Where a group's text starts: right after "  WARN  ".
constexpr std::size_t kGroupColumn = 8;
// The fewest characters a first line keeps however long the id before it.
constexpr std::size_t kMinLine = 20;

std::string Str(const nlohmann::json& j, const char* key) {
  if (!j.is_object() || !j.contains(key) || !j[key].is_string()) return {};
  return j[key].get<std::string>();
}

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

std::string VerdictSentence(const std::string& verdict, int failed) {
  const std::string failures =
      std::to_string(failed) + (failed == 1 ? " check failed" : " checks failed");
  if (verdict == "onboarded") return "MDE is onboarded and nothing failed.";
  if (verdict == "unhealthy") return "MDE is onboarded but " + failures + ".";
  if (verdict == "ready") return "MDE is not onboarded and nothing blocks onboarding.";
  return "MDE is not onboarded and " + failures + ".";
}

std::string MdeLine(const nlohmann::json& mde) {
  const auto flag = [&](const char* key) -> int {
    if (!mde.is_object() || !mde.contains(key) || !mde[key].is_boolean()) return -1;
    return mde[key].get<bool>() ? 1 : 0;
  };
  if (flag("installed") == 0) return "not installed";
  if (flag("installed") == -1) return "unknown";
  std::string line = "installed";
  if (const std::string version = Str(mde, "version"); !version.empty()) line += " " + version;
  line += flag("onboarded") == 1 ? ", onboarded" : flag("onboarded") == 0 ? ", not onboarded" : "";
  line += flag("healthy") == 1 ? ", healthy" : flag("healthy") == 0 ? ", unhealthy" : "";
  return line;
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
// the summary column.
void RenderCheck(std::ostringstream& out, const Palette& p, const nlohmann::json& check) {
  const std::string status = Str(check, "status");
  const std::string indent(kIdColumn + 9, ' ');
  std::string id = Str(check, "id");
  if (id.size() < kIdColumn) id.resize(kIdColumn, ' ');
  std::string summary = Str(check, "summary");
  if (check.value("ignored", false)) summary += " (failure ignored by --ignore)";
  // An id longer than its column pushes the first line right: that line holds fewer words.
  const std::size_t overflow = std::min(id.size() - kIdColumn, kWidth - indent.size() - kMinLine);
  std::vector<std::string> lines = Wrap(summary, kWidth - indent.size() - overflow);
  if (overflow > 0 && lines.size() > 1) {
    std::string rest;
    for (std::size_t i = 1; i < lines.size(); ++i) rest += (i == 1 ? "" : " ") + lines[i];
    lines.resize(1);
    for (auto& line : Wrap(rest, kWidth - indent.size())) lines.push_back(std::move(line));
  }
  out << "  " << p.Paint(Label(status), StatusColour(status)) << "  " << id << " "
      << (lines.empty() ? "" : lines[0]) << "\n";
  for (std::size_t i = 1; i < lines.size(); ++i) out << indent << lines[i] << "\n";
  const std::string remediation = Str(check, "remediation");
  if (!remediation.empty() && status != "pass") {
    for (const auto& line : Wrap("-> " + remediation, kWidth - indent.size())) {
      out << indent << p.Paint(line, "2") << "\n";
    }
  }
}

// Checks that share one cause: "  WARN  4 cloud checks could not run: <cause>", their ids, and
// the remediation once, all wrapped under the id column.
void RenderGroup(std::ostringstream& out, const Palette& p, const nlohmann::json& checks,
                 const CheckGroup& group) {
  const nlohmann::json& first = checks[group.members.front()];
  const std::string status = Str(first, "status");
  const std::string indent(kGroupColumn, ' ');
  const std::size_t width = kWidth - indent.size();
  std::string headline =
      std::to_string(group.members.size()) + " " + group.cause->group + " " + group.cause->summary;
  if (first.value("ignored", false)) headline += " (failures ignored by --ignore)";
  const auto lines = Wrap(headline, width);
  out << "  " << p.Paint(Label(status), StatusColour(status)) << "  " << lines[0] << "\n";
  for (std::size_t i = 1; i < lines.size(); ++i) out << indent << lines[i] << "\n";
  std::string ids;
  for (const std::size_t member : group.members) {
    ids += (ids.empty() ? "" : ", ") + Str(checks[member], "id");
  }
  for (const auto& line : Wrap(ids, width)) out << indent << line << "\n";
  if (!group.cause->remediation.empty() && status != "pass") {
    for (const auto& line : Wrap("-> " + group.cause->remediation, width)) {
      out << indent << p.Paint(line, "2") << "\n";
    }
  }
}

std::string Title(const nlohmann::json& report) {
  const nlohmann::json host = report.value("host", nlohmann::json::object());
  const nlohmann::json os = host.value("os", nlohmann::json::object());
  std::string title =
      "mde-preflight " + Str(report.value("agent", nlohmann::json::object()), "version");
  for (const std::string& part :
       {Str(host, "hostname"), Str(os, "pretty_name"), Str(host, "kernel"), Str(host, "arch")}) {
    if (!part.empty()) title += " | " + part;
  }
  return title;
}

void RenderFooter(std::ostringstream& out, const Palette& p, const nlohmann::json& report,
                  int failed) {
  const std::string verdict = Str(report, "verdict");
  const char* verdict_colour = verdict == "blocked" || verdict == "unhealthy" ? "1;31" : "1;32";
  out << "\n"
      << p.Paint("Verdict: " + Upper(verdict), verdict_colour) << " - "
      << VerdictSentence(verdict, failed) << "\n";
  out << "MDE: " << MdeLine(report.value("mde", nlohmann::json::object()))
      << " | Environment: " << Str(report.value("environment", nlohmann::json::object()), "kind")
      << "\n";
  const nlohmann::json counts = report.value("counts", nlohmann::json::object());
  out << "Checks: " << counts.value("pass", 0) << " pass, " << counts.value("warn", 0) << " warn, "
      << counts.value("fail", 0) << " fail, " << counts.value("skip", 0) << " skip ("
      << report.value("duration_ms", 0) << " ms)\n";
}

}  // namespace

std::string RenderText(const nlohmann::json& report, bool color) {
  const Palette p{color};
  std::ostringstream out;
  out << p.Paint(Title(report), "1") << "\n\n";
  const nlohmann::json checks = report.value("checks", nlohmann::json::array());
  int failed = 0;
  for (const auto& check : checks) failed += Str(check, "status") == "fail" ? 1 : 0;
  for (const CheckGroup& group : GroupChecks(checks)) {
    if (group.cause) {
      RenderGroup(out, p, checks, group);
    } else {
      RenderCheck(out, p, checks[group.members.front()]);
    }
  }
  RenderFooter(out, p, report, failed);
  return out.str();
}

}  // namespace preflight

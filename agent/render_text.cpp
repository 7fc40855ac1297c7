#include "agent/render_text.h"

#include <sstream>
#include <vector>

namespace preflight {
namespace {

constexpr std::size_t kWidth = 100;
constexpr std::size_t kIdColumn = 24;

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

}  // namespace

std::string RenderText(const nlohmann::json& report, bool color) {
  const Palette p{color};
  std::ostringstream out;
  const nlohmann::json host = report.value("host", nlohmann::json::object());
  const nlohmann::json os = host.value("os", nlohmann::json::object());
  std::string title =
      "mde-preflight " + Str(report.value("agent", nlohmann::json::object()), "version");
  for (const std::string& part :
       {Str(host, "hostname"), Str(os, "pretty_name"), Str(host, "kernel"), Str(host, "arch")}) {
    if (!part.empty()) title += " | " + part;
  }
  out << p.Paint(title, "1") << "\n\n";

  int failed = 0;
  const std::string indent(kIdColumn + 9, ' ');
  for (const auto& check : report.value("checks", nlohmann::json::array())) {
    const std::string status = Str(check, "status");
    if (status == "fail") ++failed;
    std::string label = status;
    for (char& c : label) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    std::string id = Str(check, "id");
    if (id.size() < kIdColumn) id.resize(kIdColumn, ' ');
    std::string summary = Str(check, "summary");
    if (check.value("ignored", false)) summary += " (failure ignored by --ignore)";
    const auto lines = Wrap(summary, kWidth - indent.size());
    out << "  " << p.Paint(label.size() < 4 ? label + " " : label, StatusColour(status)) << "  "
        << id << " " << (lines.empty() ? "" : lines[0]) << "\n";
    for (std::size_t i = 1; i < lines.size(); ++i) out << indent << lines[i] << "\n";
    const std::string remediation = Str(check, "remediation");
    if (!remediation.empty() && status != "pass") {
      const auto fix = Wrap("-> " + remediation, kWidth - indent.size());
      for (const auto& line : fix) out << indent << p.Paint(line, "2") << "\n";
    }
  }

  const std::string verdict = Str(report, "verdict");
  std::string upper = verdict;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  const char* verdict_colour = verdict == "blocked" || verdict == "unhealthy" ? "1;31" : "1;32";
  out << "\n"
      << p.Paint("Verdict: " + upper, verdict_colour) << " - " << VerdictSentence(verdict, failed)
      << "\n";
  out << "MDE: " << MdeLine(report.value("mde", nlohmann::json::object()))
      << " | Environment: " << Str(report.value("environment", nlohmann::json::object()), "kind")
      << "\n";
  const nlohmann::json counts = report.value("counts", nlohmann::json::object());
  out << "Checks: " << counts.value("pass", 0) << " pass, " << counts.value("warn", 0) << " warn, "
      << counts.value("fail", 0) << " fail, " << counts.value("skip", 0) << " skip ("
      << report.value("duration_ms", 0) << " ms)\n";
  return out.str();
}

}  // namespace preflight

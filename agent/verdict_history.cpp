#include "agent/verdict_history.h"

#include <deque>

#include "agent/report_outline.h"

namespace preflight {
namespace {

std::vector<std::string_view> Lines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    const std::string_view line = text.substr(0, end);
    if (!line.empty()) lines.push_back(line);
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return lines;
}

bool IsEntry(std::string_view line) {
  const auto parsed = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  return parsed.is_object() && parsed.contains("to") && parsed["to"].is_string();
}

}  // namespace

std::optional<VerdictChange> DetectVerdictChange(const std::optional<std::string>& previous,
                                                 const nlohmann::json& report) {
  if (!report.is_object()) return std::nullopt;
  const std::string verdict = JsonText(report, "verdict");
  if (verdict.empty() || verdict == previous) return std::nullopt;
  VerdictChange change{JsonText(report, "generated_at"), previous, verdict, {}};
  const auto checks = report.find("checks");
  if (checks == report.end() || !checks->is_array()) return change;
  for (const auto& check : *checks) {
    if (JsonText(check, "status") != "fail") continue;
    if (change.failing.size() == kHistoryMaxFailing) break;
    const std::string id = JsonText(check, "id");
    change.failing.push_back(id.empty() ? "?" : id);
  }
  return change;
}

std::string HistoryLine(const VerdictChange& change) {
  nlohmann::json line = {{"time", change.time},
                         {"from", change.from ? nlohmann::json(*change.from) : nullptr},
                         {"to", change.to},
                         {"failing", change.failing}};
  return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::optional<std::string> LastVerdict(std::string_view history) {
  const auto lines = Lines(history);
  for (auto it = lines.rbegin(); it != lines.rend(); ++it) {
    if (!IsEntry(*it)) continue;
    return nlohmann::json::parse(*it)["to"].get<std::string>();
  }
  return std::nullopt;
}

std::string AppendToHistory(std::string_view history, std::string_view line) {
  std::deque<std::string_view> kept;
  std::size_t bytes = 0;
  for (const std::string_view old : Lines(history)) {
    if (!IsEntry(old)) continue;
    kept.push_back(old);
    bytes += old.size() + 1;
  }
  const std::string_view added = Lines(line).empty() ? std::string_view{} : Lines(line).front();
  if (!added.empty()) {
    kept.push_back(added);
    bytes += added.size() + 1;
  }
  while (!kept.empty() && (kept.size() > kHistoryMaxEntries || bytes > kHistoryMaxBytes)) {
    bytes -= kept.front().size() + 1;
    kept.pop_front();
  }
  std::string out;
  out.reserve(bytes);
  for (const std::string_view entry : kept) out.append(entry).push_back('\n');
  return out;
}

}  // namespace preflight

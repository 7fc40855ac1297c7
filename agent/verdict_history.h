#pragma once

// The service's history of verdict changes, kept beside the report (history.jsonl): one JSON
// object per line, oldest first, one line per change of `verdict`, bounded. Pure: the loop reads
// and writes the file; these decide what goes in it.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace preflight {

// The bounds: an admin looks back weeks, not years; a change a day for half a year fits.
inline constexpr std::size_t kHistoryMaxEntries = 200;
inline constexpr std::size_t kHistoryMaxBytes = std::size_t{256} * 1024;
// A line names at most this many failing checks (the report has them all).
inline constexpr std::size_t kHistoryMaxFailing = 32;

struct VerdictChange {
  std::string time;                 // the report's generated_at
  std::optional<std::string> from;  // nothing: the first verdict this state folder has seen
  std::string to;
  std::vector<std::string> failing;  // ids of the checks with status fail, report order
};

// A change when the report's verdict differs from `previous` (or there is no previous one);
// nothing when it is the same or the report has no verdict.
std::optional<VerdictChange> DetectVerdictChange(const std::optional<std::string>& previous,
                                                 const nlohmann::json& report);

// One history line, newline included.
std::string HistoryLine(const VerdictChange& change);

// The verdict the history ends with (its last well-formed line's "to"); nothing for an empty or
// unreadable history.
std::optional<std::string> LastVerdict(std::string_view history);

// The history with `line` appended, then trimmed from the oldest end to kHistoryMaxEntries lines
// and kHistoryMaxBytes bytes. Lines that are not JSON objects (a torn write of an older version)
// are dropped.
std::string AppendToHistory(std::string_view history, std::string_view line);

}  // namespace preflight

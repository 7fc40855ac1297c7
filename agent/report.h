#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "agent/runner.h"
#include "probes/common/shared_cause.h"

namespace preflight {

inline constexpr int kSchemaVersion = 1;

struct ReportInputs {
  std::string agent_version;
  std::chrono::system_clock::time_point generated_at;
  std::chrono::milliseconds duration{0};
  nlohmann::json host;         // hostname, arch, kernel, os{family,id,version_id,pretty_name}
  nlohmann::json environment;  // kind, cloud, subscription_id, ...
  std::string os_family;       // "linux" or "windows": picks fanotify_users or minifilters
  std::vector<CheckRun> runs;
  std::vector<std::string> ignored_unknown;  // ids in --ignore this platform has no check for
};

// The report object (DESIGN.md, "The report contract"): every core field present, null when
// unknown; check contributions merged in check order.
nlohmann::json BuildReport(const ReportInputs& inputs);

// onboarded / unhealthy / ready / blocked, from mde.onboarded and whether anything failed.
std::string ComputeVerdict(const nlohmann::json& mde, bool any_failed);

bool AnyFailed(const std::vector<CheckRun>& runs);

// Objects merge key by key (recursively), an array is appended to an array already there
// (cloud.errors from several checks); everything else, null included, replaces.
void DeepMerge(nlohmann::json& target, const nlohmann::json& patch);

// The report's `cloud` section (DESIGN.md): null stays null (offline, or no cloud check ran); an
// object gets every field, null when no check learned it, and an `errors` array.
void CompleteCloudSection(nlohmann::json& cloud);

// The checks of a report as the text and HTML reports show them: one entry per check, except that
// checks with the same status that carry the same SharedCause (probes/common/shared_cause.h) are
// one entry, at the place of the first of them, so that the cause and its remediation are said
// once. A cause only one check carries makes no group. The JSON report lists every check.
struct CheckGroup {
  std::vector<std::size_t> members;  // indexes into report.checks, in report order
  std::optional<SharedCause> cause;  // set when the entry groups two or more checks
};
std::vector<CheckGroup> GroupChecks(const nlohmann::json& checks);

// "2026-11-28T16:01:28.123Z"
std::string FormatRfc3339(std::chrono::system_clock::time_point time);

}  // namespace preflight

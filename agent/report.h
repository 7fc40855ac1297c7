#pragma once

#include <chrono>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "agent/runner.h"

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

// "2026-11-28T16:01:28.123Z"
std::string FormatRfc3339(std::chrono::system_clock::time_point time);

}  // namespace preflight

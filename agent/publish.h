#pragma once

// --publish-tags: the verdict, its time and the failing check ids merged into the machine's own
// Azure tags through ARM (Tags - Update At Scope, 2021-04-01; reference/azure.md section 6), so
// a fleet owner can query readiness across subscriptions. A refusal is reported, never fatal.

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "platform/azure/cloud.h"

namespace preflight {

// ARM's tag limits (azure-resource-manager/management/tag-resources): at most 50 tags per
// resource after the operation, names up to 512 characters, values up to 256.
inline constexpr std::size_t kMaxTagsPerResource = 50;
inline constexpr std::size_t kMaxTagNameChars = 512;
inline constexpr std::size_t kMaxTagValueChars = 256;

inline constexpr const char* kTagReadiness = "mdeReadiness";
inline constexpr const char* kTagReadinessAt = "mdeReadinessAt";
inline constexpr const char* kTagBlocking = "mdeReadinessBlocking";

using Tags = std::vector<std::pair<std::string, std::string>>;

struct TagPlan {
  Tags tags;                         // to merge, in this order
  std::vector<std::string> skipped;  // names left out: adding them would pass 50 tags
};

// The failing check ids joined with ',', whole ids only, within max characters; when some do not
// fit the list ends with "+N" (how many were left out), still within max.
std::string BlockingTagValue(const std::vector<std::string>& failed_ids, std::size_t max);

// The three readiness tags, less those that would take the resource past 50 tags: names already
// on the resource (compared case-insensitively, as ARM does) are updated in place and cost
// nothing; new ones are added while room is left. Values are cut to 256 characters.
TagPlan PlanReadinessTags(const std::string& verdict, const std::string& generated_at,
                          const std::vector<std::string>& failed_ids, const Tags& current);

// Publishes the report's verdict to the machine's tags and returns the report's `publish`
// object: {status: "published" | "partial" | "skipped" | "failed", tags, skipped_tags, reason,
// error: {code, message, request_id} | null}. Never throws; never changes the exit code.
nlohmann::json PublishReadinessTags(const nlohmann::json& report, const azure::CloudAccess* cloud);

}  // namespace preflight

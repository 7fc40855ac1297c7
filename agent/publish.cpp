#include "agent/publish.h"

#include <algorithm>
#include <exception>

#include <spdlog/spdlog.h>

namespace preflight {
namespace {

using Json = nlohmann::json;

// The tag write API and its version (azure.md section 6, "Readiness tag").
constexpr std::string_view kTagsApi = "2021-04-01";

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return out;
}

Json Result(const char* status, std::string reason) {
  return {{"status", status},
          {"tags", Json::object()},
          {"skipped_tags", Json::array()},
          {"reason", std::move(reason)},
          {"error", nullptr}};
}

std::vector<std::string> FailedIds(const Json& report) {
  std::vector<std::string> ids;
  const auto checks = report.find("checks");
  if (checks == report.end() || !checks->is_array()) return ids;
  for (const Json& check : *checks) {
    const auto status = check.find("status");
    const auto id = check.find("id");
    if (status != check.end() && *status == "fail" && id != check.end() && id->is_string()) {
      ids.push_back(id->get<std::string>());
    }
  }
  return ids;
}

std::string StringAt(const Json& report, const char* key) {
  const auto it = report.find(key);
  return it != report.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

std::string BlockingTagValue(const std::vector<std::string>& failed_ids, std::size_t max) {
  std::string value;
  std::size_t used = 0;
  for (; used < failed_ids.size(); ++used) {
    const std::string next = (value.empty() ? "" : ",") + failed_ids[used];
    const std::size_t left = failed_ids.size() - used - 1;
    // Room for this id, and for a "+N" marker if any id after it will not fit.
    const std::size_t marker = left == 0 ? 0 : 2 + std::to_string(left).size();
    if (value.size() + next.size() + marker > max) break;
    value += next;
  }
  if (used < failed_ids.size()) {
    const std::string marker =
        (value.empty() ? "+" : ",+") + std::to_string(failed_ids.size() - used);
    if (value.size() + marker.size() <= max) value += marker;
  }
  return value;
}

TagPlan PlanReadinessTags(const std::string& verdict, const std::string& generated_at,
                          const std::vector<std::string>& failed_ids, const Tags& current) {
  const Tags wanted = {{kTagReadiness, verdict.substr(0, kMaxTagValueChars)},
                       {kTagReadinessAt, generated_at.substr(0, kMaxTagValueChars)},
                       {kTagBlocking, BlockingTagValue(failed_ids, kMaxTagValueChars)}};
  std::vector<std::string> names;
  for (const auto& [name, value] : current) names.push_back(Lower(name));
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  std::size_t count = names.size();
  TagPlan plan;
  for (const auto& [name, value] : wanted) {
    const bool present = std::binary_search(names.begin(), names.end(), Lower(name));
    if (!present && count >= kMaxTagsPerResource) {
      plan.skipped.push_back(name);
      continue;
    }
    if (!present) ++count;
    plan.tags.emplace_back(name, value);
  }
  return plan;
}

Json PublishReadinessTags(const Json& report, const azure::CloudAccess* cloud) {
  try {
    if (cloud == nullptr) {
      return Result("skipped", "Azure was not consulted in this run (--offline, or no access)");
    }
    if (cloud->machine.resource_id.empty()) {
      return Result("skipped",
                    "the machine has no Azure resource to tag (outside Azure, or the metadata "
                    "service did not give its resource id)");
    }
    if (cloud->arm == nullptr) {
      Json result = Result("failed", "no Azure identity to write the tags with");
      if (cloud->identity_error) {
        result["error"] = {{"code", cloud->identity_error->code},
                           {"message", cloud->identity_error->message},
                           {"request_id", nullptr}};
      }
      spdlog::warn("publish-tags: no Azure identity; the tags were not written");
      return result;
    }
    const TagPlan plan =
        PlanReadinessTags(StringAt(report, "verdict"), StringAt(report, "generated_at"),
                          FailedIds(report), cloud->machine.tags);
    Json result = Result(plan.skipped.empty() ? "published" : "partial", "");
    result["skipped_tags"] = plan.skipped;
    if (!plan.skipped.empty()) {
      std::string names;
      for (const std::string& name : plan.skipped) names += (names.empty() ? "" : ", ") + name;
      result["reason"] = "the resource would have more than 50 tags; not added: " + names;
    }
    if (plan.tags.empty()) {
      result["status"] = "skipped";
      spdlog::warn("publish-tags: {}", result["reason"].get<std::string>());
      return result;
    }
    Json tags = Json::object();
    for (const auto& [name, value] : plan.tags) tags[name] = value;
    result["tags"] = tags;
    const Json body = {{"operation", "Merge"}, {"properties", {{"tags", tags}}}};
    const azure::ArmOutcome outcome = cloud->arm->Send(
        "PATCH", cloud->machine.resource_id + "/providers/Microsoft.Resources/tags/default",
        kTagsApi, body);
    if (!outcome.Ok()) {
      const azure::ArmError error = outcome.error.value_or(azure::ArmError{});
      result["status"] = "failed";
      result["reason"] = error.code == "AuthorizationFailed"
                             ? "the identity may not write tags: grant it Tag Contributor on the "
                               "machine (Microsoft.Resources/tags/write)"
                             : "Azure refused the tags";
      result["error"] = {
          {"code", error.code},
          {"message", error.message},
          {"request_id", error.request_id.empty() ? Json() : Json(error.request_id)}};
      spdlog::warn("publish-tags: {} {} (request id {})", error.code, error.message,
                   error.request_id);
    }
    return result;
  } catch (const std::exception& e) {
    return Result("failed", std::string("internal error: ") + e.what());
  }
}

}  // namespace preflight

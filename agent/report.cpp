#include "agent/report.h"

#include <ctime>
#include <map>

namespace preflight {
namespace {

nlohmann::json CheckToJson(const CheckRun& run) {
  nlohmann::json evidence =
      run.result.evidence.is_object() ? run.result.evidence : nlohmann::json::object();
  nlohmann::json check = {
      {"id", run.id},
      {"title", run.title},
      {"status", StatusName(run.result.status)},
      {"summary", run.result.summary},
      {"remediation", run.result.remediation},
      {"evidence", std::move(evidence)},
      {"duration_ms", run.duration.count()},
  };
  if (run.ignored) check["ignored"] = true;
  if (run.timed_out) check["timed_out"] = true;
  return check;
}

void Contribute(nlohmann::json& report, const nlohmann::json& contribution) {
  if (!contribution.is_object()) return;
  for (const auto& [key, value] : contribution.items()) {
    nlohmann::json& slot = report[key];
    if (value.is_array()) {
      if (!slot.is_array()) slot = nlohmann::json::array();
      for (const auto& item : value) slot.push_back(item);
    } else if (value.is_object()) {
      if (!slot.is_object()) slot = nlohmann::json::object();
      DeepMerge(slot, value);
    } else {
      slot = value;
    }
  }
}

}  // namespace

void DeepMerge(nlohmann::json& target, const nlohmann::json& patch) {
  if (!patch.is_object() || !target.is_object()) {
    target = patch;
    return;
  }
  for (const auto& [key, value] : patch.items()) {
    const auto slot = target.find(key);
    if (value.is_object() && slot != target.end() && slot->is_object()) {
      DeepMerge(*slot, value);
    } else if (value.is_array() && slot != target.end() && slot->is_array()) {
      // Several checks add to one list (cloud.errors): keep every entry.
      for (const auto& item : value) slot->push_back(item);
    } else {
      target[key] = value;
    }
  }
}

void CompleteCloudSection(nlohmann::json& cloud) {
  if (!cloud.is_object()) {
    cloud = nullptr;
    return;
  }
  for (const char* key :
       {"pricing_tier", "sub_plan", "mde_integration_enabled", "vulnerability_assessment_provider",
        "direct_onboarding_designated", "extension_provisioning_state", "vulnerability_findings",
        "tenant_org_id", "org_id_match", "edr"}) {
    if (!cloud.contains(key)) cloud[key] = nullptr;
  }
  if (!cloud.contains("errors") || !cloud["errors"].is_array()) {
    cloud["errors"] = nlohmann::json::array();
  }
}

std::vector<CheckGroup> GroupChecks(const nlohmann::json& checks) {
  std::vector<CheckGroup> groups;
  if (!checks.is_array()) return groups;
  std::map<std::string, std::size_t> group_of;  // status + cause -> index in groups
  for (std::size_t i = 0; i < checks.size(); ++i) {
    const nlohmann::json& check = checks[i];
    const nlohmann::json evidence =
        check.is_object() ? check.value("evidence", nlohmann::json()) : nlohmann::json();
    const std::optional<SharedCause> cause = CauseIn(evidence);
    if (!cause) {
      groups.push_back(CheckGroup{{i}, std::nullopt});
      continue;
    }
    const std::string key = check.value("status", "") + "\n" +
                            (check.value("ignored", false) ? "ignored" : "") + "\n" +
                            evidence["cause"].dump();
    const auto [it, added] = group_of.emplace(key, groups.size());
    if (added) {
      groups.push_back(CheckGroup{{i}, std::nullopt});
    } else {
      groups[it->second].members.push_back(i);
      groups[it->second].cause = cause;
    }
  }
  return groups;
}

std::string FormatRfc3339(std::chrono::system_clock::time_point time) {
  const auto seconds = std::chrono::time_point_cast<std::chrono::seconds>(time);
  const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(time - seconds).count();
  const std::time_t t = std::chrono::system_clock::to_time_t(seconds);
  std::tm utc{};
#ifdef _WIN32
  gmtime_s(&utc, &t);
#else
  gmtime_r(&t, &utc);
#endif
  char buffer[40];
  const std::size_t n = std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S", &utc);
  char tail[8];
  std::snprintf(tail, sizeof tail, ".%03dZ", static_cast<int>(millis));
  return std::string(buffer, n) + tail;
}

bool AnyFailed(const std::vector<CheckRun>& runs) {
  for (const CheckRun& run : runs) {
    if (run.result.status == Status::kFail) return true;
  }
  return false;
}

std::string ComputeVerdict(const nlohmann::json& mde, bool any_failed) {
  const bool onboarded = mde.is_object() && mde.contains("onboarded") &&
                         mde["onboarded"].is_boolean() && mde["onboarded"].get<bool>();
  if (onboarded) return any_failed ? "unhealthy" : "onboarded";
  return any_failed ? "blocked" : "ready";
}

nlohmann::json BuildReport(const ReportInputs& inputs) {
  nlohmann::json report = {
      {"schema_version", kSchemaVersion},
      {"agent", {{"name", "mde-preflight"}, {"version", inputs.agent_version}}},
      {"generated_at", FormatRfc3339(inputs.generated_at)},
      {"duration_ms", inputs.duration.count()},
      {"host", inputs.host},
      {"verdict", nullptr},
      {"counts", {{"pass", 0}, {"warn", 0}, {"fail", 0}, {"skip", 0}}},
      {"checks", nlohmann::json::array()},
      {"environment", inputs.environment},
      {"mde",
       {{"installed", nullptr},
        {"onboarded", nullptr},
        {"healthy", nullptr},
        {"version", nullptr},
        {"org_id", nullptr},
        {"machine_id", nullptr},
        {"health_issues", nlohmann::json::array()}}},
      {"extensions", nlohmann::json::array()},
      {"cloud", nullptr},
      {"connectivity", nlohmann::json::array()},
  };
  report[inputs.os_family == "windows" ? "minifilters" : "fanotify_users"] =
      nlohmann::json::array();
  for (const CheckRun& run : inputs.runs) {
    report["checks"].push_back(CheckToJson(run));
    report["counts"][StatusName(run.result.status)] =
        report["counts"][StatusName(run.result.status)].get<int>() + 1;
    Contribute(report, run.result.report);
  }
  if (!inputs.ignored_unknown.empty()) report["ignored_unknown_ids"] = inputs.ignored_unknown;
  // Null when no cloud check contributed (offline, or none ran); else every field present.
  CompleteCloudSection(report["cloud"]);
  report["verdict"] = ComputeVerdict(report["mde"], AnyFailed(inputs.runs));
  return report;
}

}  // namespace preflight

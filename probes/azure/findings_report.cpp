#include "probes/azure/findings_report.h"

#include <string_view>

#include "probes/azure/json_fields.h"

namespace preflight {
namespace {

using Json = nlohmann::json;

constexpr std::string_view kSeverities[] = {"Critical", "High", "Medium", "Low"};
constexpr std::string_view kSeverityNames[] = {"Critical", "High", "Medium", "Low", "Other"};

}  // namespace

Json CveJson(const CveInfo& cve) {
  return {{"id", cve.id},
          {"severity", cve.severity.empty() ? Json() : Json(cve.severity)},
          {"cvss", cve.cvss ? Json(*cve.cvss) : Json()},
          {"public_exploit", cve.public_exploit}};
}

Json FindingsBySeverity(const std::vector<VulnerabilityFinding>& findings) {
  Json by = {{"Critical", 0}, {"High", 0}, {"Medium", 0}, {"Low", 0}, {"Other", 0}};
  for (const VulnerabilityFinding& f : findings) {
    std::string name = "Other";
    for (const std::string_view severity : kSeverities) {
      if (arm_json::EqualsIgnoreCase(f.severity, severity)) name = std::string(severity);
    }
    by[name] = by[name].get<int>() + 1;
  }
  return by;
}

std::string SeverityPhrase(const Json& by) {
  std::string out;
  for (const std::string_view severity : kSeverityNames) {
    const int n = by.value(std::string(severity), 0);
    if (n > 0) out += (out.empty() ? "" : ", ") + std::to_string(n) + " " + std::string(severity);
  }
  return out;
}

Json FindingJson(const VulnerabilityFinding& f) {
  Json cves = Json::array();
  for (const CveInfo& cve : f.cves) cves.push_back(CveJson(cve));
  Json item = {{"id", f.id},
               {"title", f.display_name},
               {"severity", f.severity},
               {"software", f.software},
               {"cves", std::move(cves)}};
  if (!f.detected_versions.empty()) item["detected_versions"] = f.detected_versions;
  if (!f.fixed_version.empty()) item["fixed_version"] = f.fixed_version;
  if (f.cves_malformed) item["cves_malformed"] = true;
  return item;
}

}  // namespace preflight

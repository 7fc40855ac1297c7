#pragma once

// Pure parsers of Defender for Cloud assessments (2021-06-01) and sub-assessments
// (2019-01-01-preview) for "Machines should have vulnerability findings resolved", and of the
// times ARM reports (reference/azure.md section 4f). Shapes: assessments.json 2021-06-01 and its
// examples/Assessments/GetAssessment_example.json; subAssessments 2019-01-01-preview and
// examples/SubAssessments/GetSubAssessment_example.json (Azure/azure-rest-api-specs, read
// 2026-12; copies in tests/data/azure-specs). The MDVM fields of additionalData (softwareVendor,
// cve[].severity, cvssScore, hasPublicExploit) are the CVE Dashboard workbook's (MDC repo, v1.6
// 2024-06-10), not the spec's. Microsoft deprecated these grouped recommendations on 2026-07-31
// (learn.microsoft.com/azure/defender-for-cloud/transition-grouped-individual-recommendations):
// the individual recommendations that replace them have another shape (category SoftwareUpdate,
// additionalData.CvesDetails), read by probes/azure/recommendations_parser.h.

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace preflight {

// "Machines should have vulnerability findings resolved" (recommendations-reference-compute).
inline constexpr std::string_view kVulnerabilityFindingsKey =
    "1195afff-c881-495e-9bc5-1486211ae03f";

struct AssessmentInfo {
  bool valid = false;
  std::string error;
  std::string display_name;
  std::string code;  // "Healthy", "Unhealthy", "NotApplicable"
  std::string cause;
  std::string description;
  std::string first_evaluation;
  std::string status_change;
};

AssessmentInfo ParseAssessment(const nlohmann::json& body);

struct CveInfo {
  std::string id;  // "CVE-2023-4911" (the cve element's title)
  std::string severity;
  std::optional<double> cvss;
  bool public_exploit = false;
};

struct VulnerabilityFinding {
  std::string id;
  std::string display_name;
  std::string status;    // sub-assessment status.code
  std::string severity;  // sub-assessment status.severity
  std::string software;  // "vendor name version"
  std::vector<CveInfo> cves;
  // The individual model's fields (recommendations_parser.h); empty for the grouped model.
  std::string detected_versions;
  std::string fixed_version;
  bool cves_malformed = false;
};

struct SubAssessmentList {
  bool valid = false;
  std::string error;
  std::vector<VulnerabilityFinding> findings;  // Unhealthy ones only
  std::size_t healthy = 0;                     // sub-assessments that are not Unhealthy
  bool truncated = false;                      // more than max_findings were listed
};

// A list body {"value": [...]}; keeps at most max_findings findings.
SubAssessmentList ParseSubAssessments(const nlohmann::json& body, std::size_t max_findings);

// The distinct CVE ids of the findings, most severe first (Critical, High, Medium, Low, other),
// then by id.
std::vector<CveInfo> DistinctCves(const std::vector<VulnerabilityFinding>& findings);

// RFC 3339 / ISO 8601 date-times as ARM writes them: "2024-03-01T12:58:26.522Z",
// "2024-03-02T08:00:00.0000000Z", "2024-03-01T10:00:00.0000000+00:00". nullopt otherwise.
std::optional<std::chrono::system_clock::time_point> ParseArmTime(std::string_view text);

}  // namespace preflight

#pragma once

// Pure parser of a machine's Defender for Cloud recommendations as ARM lists them
// (GET {resourceId}/providers/Microsoft.Security/assessments, Assessments_List, 2021-06-01; item
// shape of examples/Assessments/ListAssessments_example.json, Azure/azure-rest-api-specs commit
// 36a2d995, copy in tests/data/azure-specs), read for the individual recommendations that replace
// the grouped ones on July 31, 2026 ("Transition from grouped to individual recommendations",
// MicrosoftDocs/defender-docs articles/defender-for-cloud/
// transition-grouped-individual-recommendations.md, ms.date 06/29/2026):
// - a vulnerable-software finding is its own assessment whose properties.metadata.
//   recommendationCategory is "SoftwareUpdate"; its severity is properties.metadata.severity;
// - properties.additionalData.CvesDetails is a STRING holding JSON (the docs expand it with
//   parse_json), each entry with a CveId; DetectedSoftwareVersions "may contain multiple values";
//   FixedVersion "may be empty if no fix is available".
// The spec's list example carries no metadata (the docs read it through Resource Graph), so an
// item without a category but with a CvesDetails member is also taken for a software finding.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "probes/azure/findings_parser.h"

namespace preflight {

inline constexpr std::string_view kSoftwareUpdateCategory = "SoftwareUpdate";

struct Recommendation {
  std::string key;  // the item's name: the assessment key
  std::string display_name;
  std::string code;  // status.code: Healthy, Unhealthy, NotApplicable
  std::string cause;
  std::string description;  // status.description
  std::string category;     // metadata.recommendationCategory; empty when not given
  std::string severity;     // metadata.severity
  std::string remediation;  // metadata.remediationDescription
  bool has_cves_details = false;
  std::vector<CveInfo> cves;      // from additionalData.CvesDetails
  bool cves_malformed = false;    // CvesDetails was there but was not a JSON list
  std::string software;           // additionalData SoftwareVendor / SoftwareName
  std::string detected_versions;  // additionalData.DetectedSoftwareVersions, ", "-joined
  std::string fixed_version;      // additionalData.FixedVersion; empty: no fix yet
  std::vector<std::string> edrs;  // EDR names additionalData gives (see DiscoveredEdrs)

  bool IsSoftwareUpdate() const;
  bool Unhealthy() const;
};

struct RecommendationList {
  bool valid = false;
  std::string error;
  std::vector<Recommendation> items;
  bool truncated = false;  // more than max_items were listed

  const Recommendation* Find(std::string_view key) const;  // case-insensitive
};

// A list body {"value": [...]}; keeps at most max_items items.
RecommendationList ParseRecommendations(const nlohmann::json& body, std::size_t max_items);

// CvesDetails: a string holding a JSON array of {"CveId", "Severity", ...}, or (tolerated) the
// array itself. Entries without a CveId are skipped; at most 256 are kept. `malformed` when the
// value is neither.
struct CvesDetails {
  std::vector<CveInfo> cves;
  bool malformed = false;
};
CvesDetails ParseCvesDetails(const nlohmann::json& value);

// The EDR names an "EDR solution should be installed" assessment carries. The portal shows them
// as "Discovered EDRs" (defender-docs endpoint-detection-response-solution-recommendations.md,
// ms.date 06/02/2026); the additionalData key is not documented, so every string or string-array
// member of additionalData whose key mentions "edr" is read. A value may list several names,
// comma-separated or as a JSON array in a string. At most 8 names, each cut to 128 characters.
std::vector<std::string> DiscoveredEdrs(const nlohmann::json& additional_data);

// "Microsoft Defender for Endpoint" (any spelling the supported-solutions table uses: defender-docs
// detect-endpoint-detection-response-solutions.md, ms.date 05/28/2026), or "MDE".
bool IsMdeName(std::string_view edr);

// The finding in the terms the grouped model's list uses, so that one report shape serves both.
VulnerabilityFinding FindingOf(const Recommendation& recommendation);

}  // namespace preflight

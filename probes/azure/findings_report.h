#pragma once

// How azure.vulnerability_findings puts a finding into the report, whichever model it came from
// (the grouped sub-assessments of findings_parser.h or the individual recommendations of
// recommendations_parser.h): one shape for evidence.vulnerabilities[] and one count by severity
// for cloud.vulnerability_findings.by_severity.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "probes/azure/findings_parser.h"

namespace preflight {

// {"id", "severity", "cvss", "public_exploit"}; null where the model does not say.
nlohmann::json CveJson(const CveInfo& cve);

// {"id", "title", "severity", "software", "cves"[, "detected_versions", "fixed_version",
// "cves_malformed"]}.
nlohmann::json FindingJson(const VulnerabilityFinding& finding);

// {"Critical": n, "High": n, "Medium": n, "Low": n, "Other": n}: the individual model's
// metadata.severity, the grouped model's status.severity, compared case-insensitively.
nlohmann::json FindingsBySeverity(const std::vector<VulnerabilityFinding>& findings);

// "1 Critical, 2 High" from FindingsBySeverity; empty when there is none.
std::string SeverityPhrase(const nlohmann::json& by_severity);

}  // namespace preflight

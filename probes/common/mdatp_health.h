#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace preflight {

// The fields of `mdatp health` the agent uses
// (https://learn.microsoft.com/defender-endpoint/health-status). Empty strings and nullopt mean
// the output did not say; org_id "unavailable" (not onboarded) is stored as empty.
struct MdatpHealth {
  bool parsed = false;  // the text was health output holding at least one known field
  std::string error;    // why not, when !parsed
  std::optional<bool> healthy;
  std::optional<bool> licensed;
  std::optional<bool> passive_mode_enabled;
  std::optional<bool> real_time_protection_enabled;
  std::vector<std::string> health_issues;             // "missing license", ...
  std::vector<std::string> conflicting_applications;  // MDE's own conflict list
  std::string org_id;
  std::string edr_machine_id;
  std::string app_version;
  std::string release_ring;        // "Production", "InsiderFast", "External"
  std::string definitions_status;  // "up_to_date", "updating", "unavailable"
};

// `mdatp health --output json`: one object with camelCase keys; settings are wrapped as
// {"value": ..., "isManaged": ...}; definitionsStatus is {"$type": "upToDate"} (shape as captured
// in glpi-project/glpi-agent resources/linux/antivirus/defender-101.23062.0010.json). Never throws.
MdatpHealth ParseMdatpHealthJson(std::string_view text);

// Plain `mdatp health`: "key<padding> : value" lines, strings quoted, lists as ["a", "b"], managed
// settings suffixed " [managed]"; an unlicensed client prints a leading "ATTENTION: ..." line,
// which is dropped as mde_installer.sh's get_health_field does (mdatp-xplat
// linux/installation/mde_installer.sh). Never throws.
MdatpHealth ParseMdatpHealthFields(std::string_view text);

}  // namespace preflight

#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace preflight {

// What the agent learned about an MDE install; nullopt means unknown, with the reason in `notes`.
struct MdeState {
  std::optional<bool> installed;
  std::optional<bool> onboarded;
  std::optional<bool> healthy;
  std::optional<bool> passive_mode;
  std::optional<bool> licensed;              // mdatp health `licensed`
  std::optional<bool> real_time_protection;  // mdatp health `real_time_protection_enabled`
  std::string version;                       // app_version from mdatp health, else the package's
  std::string package_version;               // as the package manager records it
  std::string org_id;
  std::string machine_id;
  std::string release_ring;
  std::string definitions_status;
  std::string proxy;              // managed cloudService.proxy, credentials redacted
  bool cli_present = false;       // the `mdatp` command exists
  bool onboarding_file = false;   // /etc/opt/microsoft/mdatp/mdatp_onboard.json exists
  bool offboarding_file = false;  // /etc/opt/microsoft/mdatp/mdatp_offboard.json exists
  std::string health_source;      // "json" or "fields"; empty when mdatp health was not read
  std::string health_error;       // why mdatp health gave nothing
  bool health_timed_out = false;
  std::string service_state;  // the mdatp service ("active", ...); empty when not queried
  std::vector<std::string> health_issues;
  std::vector<std::string> conflicting_applications;   // MDE's own view (mdatp health)
  std::vector<std::string> notes;                      // why something is unknown
  nlohmann::json evidence = nlohmann::json::object();  // raw facts for the check's evidence
};

// The report's `mde` section (DESIGN.md, report contract): installed, onboarded, healthy, version,
// org_id, machine_id, health_issues are the stable core; the rest is added detail.
nlohmann::json MdeStateToReport(const MdeState& state);

}  // namespace preflight

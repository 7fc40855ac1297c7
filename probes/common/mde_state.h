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
  std::string version;
  std::string org_id;
  std::string machine_id;
  std::vector<std::string> health_issues;
  std::vector<std::string> conflicting_applications;   // MDE's own view (mdatp health)
  std::vector<std::string> notes;                      // why something is unknown
  nlohmann::json evidence = nlohmann::json::object();  // raw facts for the check's evidence
};

// The report's `mde` section (DESIGN.md, report contract).
nlohmann::json MdeStateToReport(const MdeState& state);

}  // namespace preflight

#include "probes/common/mde_state.h"

namespace preflight {
namespace {

nlohmann::json OptionalBool(const std::optional<bool>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

nlohmann::json StringOrNull(const std::string& value) {
  return value.empty() ? nlohmann::json(nullptr) : nlohmann::json(value);
}

}  // namespace

nlohmann::json MdeStateToReport(const MdeState& state) {
  return {
      {"installed", OptionalBool(state.installed)},
      {"onboarded", OptionalBool(state.onboarded)},
      {"healthy", OptionalBool(state.healthy)},
      {"version", StringOrNull(state.version)},
      {"org_id", StringOrNull(state.org_id)},
      {"machine_id", StringOrNull(state.machine_id)},
      {"health_issues", state.health_issues},
      {"passive_mode", OptionalBool(state.passive_mode)},
      {"licensed", OptionalBool(state.licensed)},
      {"real_time_protection", OptionalBool(state.real_time_protection)},
      {"release_ring", StringOrNull(state.release_ring)},
      {"definitions_status", StringOrNull(state.definitions_status)},
      {"conflicting_applications", state.conflicting_applications},
      {"notes", state.notes},
  };
}

}  // namespace preflight

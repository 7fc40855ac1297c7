#include "platform/service_manager.h"

namespace preflight {

const char* ServiceStateName(ServiceState state) {
  switch (state) {
    case ServiceState::kActive:
      return "active";
    case ServiceState::kInactive:
      return "inactive";
    case ServiceState::kFailed:
      return "failed";
    case ServiceState::kActivating:
      return "activating";
    case ServiceState::kNotFound:
      return "not-found";
    case ServiceState::kUnknown:
      return "unknown";
  }
  return "unknown";
}

}  // namespace preflight

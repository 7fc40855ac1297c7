#include "platform/process_runner.h"
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

// TODO(platform helper): systemd implementation through `systemctl show`.
namespace {
class PendingServiceManager final : public ServiceManager {
 public:
  bool Available() override { return false; }
  Result<ServiceStatus> Query(const std::string& /*name*/) override {
    return MakeError(ErrorKind::kUnavailable, "service manager not implemented yet");
  }
};
}  // namespace

std::unique_ptr<ServiceManager> MakeServiceManager(ProcessRunner& /*runner*/) {
  return std::make_unique<PendingServiceManager>();
}

}  // namespace preflight

#pragma once

#include <memory>
#include <string>

#include "platform/result.h"

namespace preflight {

class ProcessRunner;

enum class ServiceState { kActive, kInactive, kFailed, kActivating, kNotFound, kUnknown };

struct ServiceStatus {
  ServiceState state = ServiceState::kUnknown;
  std::string detail;  // the manager's own words ("active (running)", "masked", ...)
};

// The service manager of the running machine (systemd, the Windows SCM).
class ServiceManager {
 public:
  virtual ~ServiceManager() = default;
  // False when there is no usable service manager (systemd not PID 1, a container).
  virtual bool Available() = 0;
  virtual Result<ServiceStatus> Query(const std::string& name) = 0;
};

std::unique_ptr<ServiceManager> MakeServiceManager(ProcessRunner& runner);

const char* ServiceStateName(ServiceState state);

}  // namespace preflight

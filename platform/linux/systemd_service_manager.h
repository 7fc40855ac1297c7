#pragma once

#include <memory>
#include <string>

#include "platform/service_manager.h"

namespace preflight {

// The systemd ServiceManager with its paths under `root` ("" is the live system), so tests can
// point it at a fixture tree. MakeServiceManager(runner) is MakeSystemdServiceManager(runner, "").
std::unique_ptr<ServiceManager> MakeSystemdServiceManager(ProcessRunner& runner, std::string root);

}  // namespace preflight

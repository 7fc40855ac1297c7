#include "agent/checks.h"

#include "probes/linux/os_support_check.h"

namespace preflight {

std::vector<std::unique_ptr<Check>> MakePlatformChecks() {
  std::vector<std::unique_ptr<Check>> checks;
  checks.push_back(std::make_unique<OsSupportCheck>());
  return checks;
}

}  // namespace preflight

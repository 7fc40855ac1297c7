#include "agent/checks.h"

#include "probes/linux/kernel_check.h"
#include "probes/linux/mounts_check.h"
#include "probes/linux/os_support_check.h"
#include "probes/linux/resources_check.h"
#include "probes/linux/services_check.h"

namespace preflight {

std::vector<std::unique_ptr<Check>> MakePlatformChecks() {
  std::vector<std::unique_ptr<Check>> checks;
  checks.push_back(std::make_unique<OsSupportCheck>());
  checks.push_back(std::make_unique<KernelCheck>());
  checks.push_back(std::make_unique<ResourcesCheck>());
  checks.push_back(std::make_unique<MountsCheck>());
  checks.push_back(std::make_unique<ServicesCheck>());
  return checks;
}

}  // namespace preflight

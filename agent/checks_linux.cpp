#include "agent/checks.h"

#include "probes/linux/extension_local_check.h"
#include "probes/linux/mde_install_check.h"

namespace preflight {

std::vector<std::unique_ptr<Check>> MakePlatformChecks() {
  std::vector<std::unique_ptr<Check>> checks;
  checks.push_back(std::make_unique<MdeInstallCheck>());
  checks.push_back(std::make_unique<ExtensionLocalCheck>());
  return checks;
}

}  // namespace preflight

#include "agent/checks.h"
#include "probes/linux/fanotify_check.h"

namespace preflight {

std::vector<std::unique_ptr<Check>> MakePlatformChecks() {
  std::vector<std::unique_ptr<Check>> checks;
  checks.push_back(MakeFanotifyCheck());
  return checks;
}

}  // namespace preflight

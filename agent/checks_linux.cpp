#include "agent/checks.h"

namespace preflight {

std::vector<std::unique_ptr<Check>> MakePlatformChecks() {
  std::vector<std::unique_ptr<Check>> checks;
  return checks;
}

}  // namespace preflight

#include <algorithm>
#include <array>

#include "agent/checks.h"

namespace preflight {

// The Windows checks (issue 4: windows.os, mde.install, windows.defender_av, windows.minifilters,
// windows.prerequisites, azure.extension.local) are listed here as they land.
std::vector<std::unique_ptr<Check>> MakePlatformChecks() {
  std::vector<std::unique_ptr<Check>> checks;
  return checks;
}

bool IsCheckIdOfAnotherPlatform(std::string_view id) {
  // Issue 2's Linux checks; mde.install and azure.extension.local exist on both platforms.
  static constexpr std::array<std::string_view, 6> kLinuxIds = {"linux.fanotify", "linux.os",
                                                                "linux.kernel",   "linux.resources",
                                                                "linux.mounts",   "linux.services"};
  return std::find(kLinuxIds.begin(), kLinuxIds.end(), id) != kLinuxIds.end();
}

}  // namespace preflight

#include "agent/checks.h"

#include <algorithm>
#include <array>

namespace preflight {

std::vector<std::unique_ptr<Check>> MakePlatformChecks() {
  std::vector<std::unique_ptr<Check>> checks;
  return checks;
}

bool IsCheckIdOfAnotherPlatform(std::string_view id) {
  static constexpr std::array<std::string_view, 4> kWindowsIds = {
      "windows.os", "windows.defender_av", "windows.minifilters", "windows.prerequisites"};
  return std::find(kWindowsIds.begin(), kWindowsIds.end(), id) != kWindowsIds.end();
}

}  // namespace preflight

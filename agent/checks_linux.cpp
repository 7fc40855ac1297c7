#include "agent/checks.h"

#include <algorithm>
#include <array>

#include "probes/linux/extension_local_check.h"
#include "probes/linux/fanotify_check.h"
#include "probes/linux/kernel_check.h"
#include "probes/linux/mde_install_check.h"
#include "probes/linux/mounts_check.h"
#include "probes/linux/os_support_check.h"
#include "probes/linux/resources_check.h"
#include "probes/linux/services_check.h"

namespace preflight {

std::vector<std::unique_ptr<Check>> MakePlatformChecks() {
  std::vector<std::unique_ptr<Check>> checks;
  checks.push_back(MakeFanotifyCheck());
  checks.push_back(std::make_unique<OsSupportCheck>());
  checks.push_back(std::make_unique<KernelCheck>());
  checks.push_back(std::make_unique<ResourcesCheck>());
  checks.push_back(std::make_unique<MountsCheck>());
  checks.push_back(std::make_unique<ServicesCheck>());
  checks.push_back(std::make_unique<MdeInstallCheck>());
  checks.push_back(std::make_unique<ExtensionLocalCheck>());
  return checks;
}

bool IsCheckIdOfAnotherPlatform(std::string_view id) {
  static constexpr std::array<std::string_view, 4> kWindowsIds = {
      "windows.os", "windows.defender_av", "windows.minifilters", "windows.prerequisites"};
  return std::find(kWindowsIds.begin(), kWindowsIds.end(), id) != kWindowsIds.end();
}

}  // namespace preflight

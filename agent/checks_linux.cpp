#include "agent/checks.h"

#include <algorithm>
#include <array>

#include "probes/azure/direct_onboarding_check.h"
#include "probes/azure/extension_check.h"
#include "probes/azure/extension_local_check.h"
#include "probes/azure/integration_check.h"
#include "probes/azure/org_match_check.h"
#include "probes/azure/plan_check.h"
#include "probes/azure/vulnerability_assessment_check.h"
#include "probes/azure/vulnerability_findings_check.h"
#include "probes/linux/fanotify/fanotify_check.h"
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
  // Cloud-side checks (platform/azure/cloud.h), after the local ones; they run concurrently.
  checks.push_back(std::make_unique<PlanCheck>());
  checks.push_back(std::make_unique<IntegrationCheck>());
  checks.push_back(std::make_unique<VulnerabilityAssessmentCheck>());
  checks.push_back(std::make_unique<ExtensionCheck>());
  checks.push_back(std::make_unique<DirectOnboardingCheck>());
  checks.push_back(std::make_unique<VulnerabilityFindingsCheck>());
  checks.push_back(std::make_unique<OrgMatchCheck>());
  return checks;
}

bool IsCheckIdOfAnotherPlatform(std::string_view id) {
  static constexpr std::array<std::string_view, 4> kWindowsIds = {
      "windows.os", "windows.defender_av", "windows.minifilters", "windows.prerequisites"};
  return std::find(kWindowsIds.begin(), kWindowsIds.end(), id) != kWindowsIds.end();
}

}  // namespace preflight

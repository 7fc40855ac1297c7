#include <algorithm>
#include <array>

#include "agent/checks.h"
#include "platform/minifilter_source.h"
#include "probes/azure/direct_onboarding_check.h"
#include "probes/azure/extension_check.h"
#include "probes/azure/extension_local_check.h"
#include "probes/azure/integration_check.h"
#include "probes/azure/org_match_check.h"
#include "probes/azure/plan_check.h"
#include "probes/azure/vulnerability_assessment_check.h"
#include "probes/azure/vulnerability_findings_check.h"
#include "probes/windows/defender_av_check.h"
#include "probes/windows/mde_install_check.h"
#include "probes/windows/minifilters_check.h"
#include "probes/windows/prerequisites_check.h"
#include "probes/windows/windows_os_check.h"

namespace preflight {

// The system first (is it supported, is it ready), then what could stand in MDE's way (Defender's
// state, other vendors' filters), then MDE itself and the extension that deploys it.
std::vector<std::unique_ptr<Check>> MakePlatformChecks() {
  std::vector<std::unique_ptr<Check>> checks;
  checks.push_back(std::make_unique<WindowsOsCheck>());
  checks.push_back(std::make_unique<PrerequisitesCheck>());
  checks.push_back(std::make_unique<DefenderAvCheck>());
  checks.push_back(std::make_unique<MinifiltersCheck>(MakeMinifilterSource()));
  checks.push_back(std::make_unique<WindowsMdeInstallCheck>());
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
  // The Linux host checks; mde.install and azure.extension.local exist on both platforms.
  static constexpr std::array<std::string_view, 6> kLinuxIds = {"linux.fanotify", "linux.os",
                                                                "linux.kernel",   "linux.resources",
                                                                "linux.mounts",   "linux.services"};
  return std::find(kLinuxIds.begin(), kLinuxIds.end(), id) != kLinuxIds.end();
}

}  // namespace preflight

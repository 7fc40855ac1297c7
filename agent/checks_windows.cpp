#include <algorithm>
#include <array>

#include "agent/checks.h"
#include "probes/azure/direct_onboarding_check.h"
#include "probes/azure/extension_check.h"
#include "probes/azure/integration_check.h"
#include "probes/azure/org_match_check.h"
#include "probes/azure/plan_check.h"
#include "probes/azure/vulnerability_assessment_check.h"
#include "probes/azure/vulnerability_findings_check.h"

namespace preflight {

// The Windows checks (issue 4: windows.os, mde.install, windows.defender_av, windows.minifilters,
// windows.prerequisites, azure.extension.local) are listed here as they land.
std::vector<std::unique_ptr<Check>> MakePlatformChecks() {
  std::vector<std::unique_ptr<Check>> checks;
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
  // Issue 2's Linux checks; mde.install and azure.extension.local exist on both platforms.
  static constexpr std::array<std::string_view, 6> kLinuxIds = {"linux.fanotify", "linux.os",
                                                                "linux.kernel",   "linux.resources",
                                                                "linux.mounts",   "linux.services"};
  return std::find(kLinuxIds.begin(), kLinuxIds.end(), id) != kLinuxIds.end();
}

}  // namespace preflight

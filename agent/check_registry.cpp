#include "agent/check_registry.h"

#include <algorithm>

#include "platform/fanotify_group_source.h"
#include "platform/minifilter_source.h"
#include "platform/text.h"
#include "probes/azure/direct_onboarding_check.h"
#include "probes/azure/edr_check.h"
#include "probes/azure/extension_check.h"
#include "probes/azure/extension_local_check.h"
#include "probes/azure/integration_check.h"
#include "probes/azure/org_match_check.h"
#include "probes/azure/plan_check.h"
#include "probes/azure/vulnerability_assessment_check.h"
#include "probes/azure/vulnerability_findings_check.h"
#include "probes/common/network_check.h"
#include "probes/linux/fanotify/fanotify_check.h"
#include "probes/linux/kernel_check.h"
#include "probes/linux/mde_install_check.h"
#include "probes/linux/mounts_check.h"
#include "probes/linux/os_support_check.h"
#include "probes/linux/resources_check.h"
#include "probes/linux/services_check.h"
#include "probes/windows/defender_av_check.h"
#include "probes/windows/mde_install_check.h"
#include "probes/windows/minifilters_check.h"
#include "probes/windows/prerequisites_check.h"
#include "probes/windows/windows_os_check.h"

namespace preflight {
namespace {

template <class Body>
std::unique_ptr<Check> Make() {
  return std::make_unique<Body>();
}

// Unused where its check does not run.
[[maybe_unused]] std::unique_ptr<Check> MakeMinifiltersCheck() {
  return std::make_unique<MinifiltersCheck>(MakeMinifilterSource());
}

#ifndef _WIN32
// The in-kernel scan first (platform/fanotify_group_source.h), the /proc walk as the fallback.
std::unique_ptr<Check> MakeFanotifyCheck() {
  return std::make_unique<FanotifyCheck>(MakeFanotifyGroupSource());
}
#endif

// Where a check runs, and its body in this build: the other platform's bodies are never named
// (nor linked) here.
#ifdef _WIN32
#define LINUX_ONLY(linux_body) kOnLinux, nullptr
#define WINDOWS_ONLY(windows_body) kOnWindows, windows_body
#define TWINS(linux_body, windows_body) kOnLinux | kOnWindows, windows_body
#else
#define LINUX_ONLY(linux_body) kOnLinux, linux_body
#define WINDOWS_ONLY(windows_body) kOnWindows, nullptr
#define TWINS(linux_body, windows_body) kOnLinux | kOnWindows, linux_body
#endif
#define EVERYWHERE(body) kOnLinux | kOnWindows, body

// Every check, once, in report order: the system first (is it supported, is it ready), then
// what could stand in MDE's way (other file-access products, Defender's state), then MDE itself
// and the extension that deploys it, then the cloud side (platform/azure/cloud.h). TWINS have one
// id and title and a body per platform.
constexpr CheckEntry kChecks[] = {
    {"linux.fanotify", "Other fanotify users (file-access security products)",
     LINUX_ONLY(MakeFanotifyCheck)},
    {"linux.os", "Distribution, version and architecture are supported by MDE",
     LINUX_ONLY(Make<OsSupportCheck>)},
    {"linux.kernel", "Kernel version and fanotify support", LINUX_ONLY(Make<KernelCheck>)},
    {"linux.resources", "Memory, disk space, CPUs and glibc", LINUX_ONLY(Make<ResourcesCheck>)},
    {"linux.mounts", "Mount options and file systems", LINUX_ONLY(Make<MountsCheck>)},
    {"linux.services", "systemd and Python for the MDE.Linux extension",
     LINUX_ONLY(Make<ServicesCheck>)},
    {"windows.os", "Windows version supported by MDE", WINDOWS_ONLY(Make<WindowsOsCheck>)},
    {"windows.prerequisites", "Windows prerequisites for MDE",
     WINDOWS_ONLY(Make<PrerequisitesCheck>)},
    {"windows.defender_av", "Microsoft Defender Antivirus", WINDOWS_ONLY(Make<DefenderAvCheck>)},
    {"windows.minifilters", "File-system minifilters", WINDOWS_ONLY(MakeMinifiltersCheck)},
    {"mde.install", "Microsoft Defender for Endpoint installation",
     TWINS(Make<MdeInstallCheck>, Make<WindowsMdeInstallCheck>)},
    {"network.mde", "MDE cloud endpoints, proxy and TLS inspection",
     EVERYWHERE(Make<NetworkCheck>)},
    {"azure.extension.local", "MDE VM extension (local state)",
     EVERYWHERE(Make<ExtensionLocalCheck>)},
    {"azure.plan", "Defender for Servers plan", EVERYWHERE(Make<PlanCheck>)},
    {"azure.integration", "Defender for Endpoint integration", EVERYWHERE(Make<IntegrationCheck>)},
    {"azure.vulnerability_assessment", "Vulnerability assessment for machines",
     EVERYWHERE(Make<VulnerabilityAssessmentCheck>)},
    {"azure.extension", "MDE extension (Azure Resource Manager)", EVERYWHERE(Make<ExtensionCheck>)},
    {"azure.direct_onboarding", "Direct onboarding (designated subscription)",
     EVERYWHERE(Make<DirectOnboardingCheck>)},
    {"azure.vulnerability_findings", "Vulnerability findings (Defender for Cloud)",
     EVERYWHERE(Make<VulnerabilityFindingsCheck>)},
    {"azure.org_match", "MDE organisation matches the tenant", EVERYWHERE(Make<OrgMatchCheck>)},
    {"azure.edr", "EDR discovered by Defender for Cloud", EVERYWHERE(Make<EdrCheck>)},
};

#undef LINUX_ONLY
#undef WINDOWS_ONLY
#undef TWINS
#undef EVERYWHERE

std::unique_ptr<Check> MakeNamed(const CheckEntry& entry) {
  std::unique_ptr<Check> check = entry.make();
  check->Name(entry.id, entry.title);
  return check;
}

}  // namespace

std::string_view PlatformName(Platform platform) {
  return platform == Platform::kLinux ? "linux" : "windows";
}

Platform ThisPlatform() {
#ifdef _WIN32
  return Platform::kWindows;
#else
  return Platform::kLinux;
#endif
}

bool CheckEntry::RunsOn(Platform platform) const {
  return (platforms & (platform == Platform::kLinux ? kOnLinux : kOnWindows)) != 0;
}

std::span<const CheckEntry> AllChecks() { return kChecks; }

const CheckEntry* FindCheck(std::string_view id) {
  const std::string lower = ToLower(id);
  const auto* found = std::find_if(std::begin(kChecks), std::end(kChecks),
                                   [&](const CheckEntry& entry) { return entry.id == lower; });
  return found == std::end(kChecks) ? nullptr : found;
}

std::vector<std::unique_ptr<Check>> MakePlatformChecks() {
  std::vector<std::unique_ptr<Check>> checks;
  for (const CheckEntry& entry : kChecks) {
    if (entry.RunsHere()) checks.push_back(MakeNamed(entry));
  }
  return checks;
}

std::unique_ptr<Check> MakeCheck(std::string_view id) {
  const CheckEntry* entry = FindCheck(id);
  return entry != nullptr && entry->RunsHere() ? MakeNamed(*entry) : nullptr;
}

bool IsCheckIdOfAnotherPlatform(std::string_view id) {
  const CheckEntry* entry = FindCheck(id);
  return entry != nullptr && !entry->RunsHere();
}

Result<std::vector<std::shared_ptr<const Check>>> SelectPlatformChecks(
    const std::vector<std::string>& only, const std::vector<std::string>& ignore) {
  const auto unknown = [](const std::string& flag, const std::string& id) {
    std::string here;
    for (const CheckEntry& entry : kChecks) {
      if (entry.RunsHere()) here += (here.empty() ? "" : ", ") + std::string(entry.id);
    }
    return MakeError(ErrorKind::kInvalid, flag + ": unknown check id '" + id +
                                              "' (checks on this platform: " + here + ")");
  };
  for (const std::string& id : only) {
    if (FindCheck(id) == nullptr) return unknown("--only", id);
  }
  for (const std::string& id : ignore) {
    if (id != "all" && FindCheck(id) == nullptr) return unknown("--ignore", id);
  }
  std::vector<std::shared_ptr<const Check>> checks;
  for (const CheckEntry& entry : kChecks) {
    const bool wanted = only.empty() || std::find(only.begin(), only.end(), entry.id) != only.end();
    if (entry.RunsHere() && wanted) checks.push_back(MakeNamed(entry));
  }
  return checks;
}

}  // namespace preflight

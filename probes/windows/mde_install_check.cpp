#include "probes/windows/mde_install_check.h"

#include "probes/common/mde_install.h"
#include "probes/windows/mde_state_windows.h"

namespace preflight {
namespace {

const MdeInstallWords kWindowsWords = {
    .install_unknown =
        "Run the agent as an administrator on the machine itself, or check "
        "`sc.exe query sense` by hand.",
    .not_onboarded_reason = "OnboardingState is not 1",
    .unlicensed_reason = "OnboardingState is not 1",
    .not_onboarded =
        "With Defender for Cloud's MDE integration on, the MDE.Windows extension onboards this "
        "machine; otherwise run the onboarding package from the Microsoft Defender portal and "
        "read the SENSE event log (Applications and Services Logs > Microsoft > Windows > SENSE) "
        "if it does not take.",
    .onboarding_unknown =
        "Read HKLM\\SOFTWARE\\Microsoft\\Windows Advanced Threat "
        "Protection\\Status (OnboardingState) as an administrator.",
    .unhealthy =
        "Start Sense (`sc.exe start sense`), check its connectivity through the WinHTTP "
        "proxy, and read the SENSE event log for errors 5, 15 and 29.",
    .health_unknown = "Check `sc.exe query sense` on the machine.",
    .legacy_mma_summary =
        "The Microsoft Monitoring Agent (HealthService) is installed but the Sense sensor is "
        "not: this server used the legacy MMA-based onboarding.",
    .legacy_mma =
        "Turn on the unified solution in Defender for Cloud (it installs the unified agent and "
        "stops MDE in the Log Analytics agent), or install md4ws.msi yourself; the OMS/Log "
        "Analytics gateway cannot carry the unified agent's traffic.",
    .corrupt_summary = nullptr,
    .corrupt = nullptr,
    .conflicting_apps = nullptr,
    .service_down = nullptr,
    .health_timed_out = nullptr,
};

}  // namespace

// Sense only runs once the machine is onboarded, so its service state is judged as health, not on
// its own; the legacy MMA onboarding (HealthService without Sense) comes before "not installed".
CheckResult WindowsMdeInstallCheck::Run(const Context& ctx) const {
  const MdeState& state = WindowsMdeStateOf(ctx);
  MdeInstallFacts facts(state);
  facts.live = ctx.live;
  facts.legacy_mma = state.evidence.value("mma", false) && state.service_state == "not-found";
  return DescribeMdeInstall(facts, EvaluateMdeInstall(facts), kWindowsWords);
}

}  // namespace preflight

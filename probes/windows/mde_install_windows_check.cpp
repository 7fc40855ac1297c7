#include "probes/windows/mde_install_windows_check.h"

#include <string>

#include "platform/text.h"
#include "probes/windows/windows_mde_state.h"

namespace preflight {
namespace {

CheckResult With(CheckResult result, Status status, std::string summary,
                 std::string remediation = {}) {
  result.status = status;
  result.summary = std::move(summary);
  result.remediation = std::move(remediation);
  return result;
}

std::string Described(const MdeState& state) {
  return state.version.empty() ? "MDE" : "MDE " + state.version;
}

}  // namespace

// Policy, in order:
//  - installed unknown -> warn with the reasons.
//  - the legacy MMA onboarding without the unified agent -> warn: Defender for Cloud migrates it.
//  - not installed -> pass: Defender for Cloud installs it (the other checks say whether it can).
//  - installed, not onboarded -> warn: Defender for Cloud onboards it.
//  - onboarded, unhealthy (Sense not running, silent for more than 7 days) -> fail.
//  - onboarded, healthy -> pass; health unknown -> warn.
CheckResult WindowsMdeInstallCheck::Run(const Context& ctx) const {
  const MdeState& state = WindowsMdeStateOf(ctx);
  CheckResult result;
  result.report = {{"mde", MdeStateToReport(state)}};
  result.evidence = state.evidence;
  const std::string notes = Join(state.notes, "; ");
  const bool legacy_mma = state.evidence.value("mma", false) && state.service_state == "not-found";

  if (!state.installed) {
    return With(std::move(result), Status::kWarn,
                "Could not tell whether MDE is installed: " + notes + ".",
                "Run the agent as an administrator on the machine itself, or check `sc.exe query "
                "sense` by hand.");
  }
  if (legacy_mma && state.onboarded != true) {
    return With(std::move(result), Status::kWarn,
                "The Microsoft Monitoring Agent (HealthService) is installed but the Sense sensor "
                "is not: this server used the legacy MMA-based onboarding.",
                "Turn on the unified solution in Defender for Cloud (it installs the unified agent "
                "and stops MDE in the Log Analytics agent), or install md4ws.msi yourself; the "
                "OMS/Log Analytics gateway cannot carry the unified agent's traffic.");
  }
  if (!*state.installed) {
    return With(std::move(result), Status::kPass,
                "MDE is not installed; Defender for Cloud will install it.");
  }
  if (state.onboarded == false) {
    return With(std::move(result), Status::kWarn,
                Described(state) + " is installed but not onboarded (OnboardingState is not 1).",
                "With Defender for Cloud's MDE integration on, the MDE.Windows extension onboards "
                "this machine; otherwise run the onboarding package from the Microsoft Defender "
                "portal and read the SENSE event log (Applications and Services Logs > Microsoft > "
                "Windows > SENSE) if it does not take.");
  }
  if (!state.onboarded) {
    return With(
        std::move(result), Status::kWarn,
        Described(state) + " is installed but its onboarding state is unknown: " + notes + ".",
        "Read HKLM\\SOFTWARE\\Microsoft\\Windows Advanced Threat Protection\\Status "
        "(OnboardingState) as an administrator.");
  }
  const std::string org = state.org_id.empty() ? "" : " to organization " + state.org_id;
  if (state.healthy == false) {
    return With(std::move(result), Status::kFail,
                Described(state) + " is onboarded" + org +
                    " but unhealthy: " + Join(state.health_issues, "; ") + ".",
                "Start Sense (`sc.exe start sense`), check its connectivity through the WinHTTP "
                "proxy, and read the SENSE event log for errors 5, 15 and 29.");
  }
  if (state.healthy == true) {
    return With(std::move(result), Status::kPass,
                Described(state) + " is installed, onboarded" + org + " and healthy" +
                    (state.passive_mode == true ? " (antivirus in passive mode)." : "."));
  }
  return With(
      std::move(result), Status::kWarn,
      Described(state) + " is onboarded" + org + " but its health is unknown: " + notes + ".",
      "Check `sc.exe query sense` on the machine.");
}

}  // namespace preflight

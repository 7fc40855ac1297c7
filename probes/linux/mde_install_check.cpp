#include "probes/linux/mde_install_check.h"

#include <string>
#include <vector>

#include "platform/text.h"
#include "probes/common/facts.h"
#include "probes/common/mde_installer_log.h"

namespace preflight {
namespace {

std::string Described(const MdeState& state) {
  std::string out = "MDE";
  if (!state.version.empty()) out += " " + state.version;
  return out;
}

std::string PassiveSuffix(const MdeState& state) {
  return state.passive_mode == true ? " (antivirus in passive mode)" : "";
}

// Empty when the service state is fine or unknown.
std::string ServiceProblem(const std::string& state) {
  if (state == "inactive") return "the mdatp service is not running";
  if (state == "failed") return "the mdatp service has failed";
  if (state == "not-found") return "there is no mdatp service unit";
  return {};
}

CheckResult With(CheckResult result, Status status, std::string summary,
                 std::string remediation = {}) {
  result.status = status;
  result.summary = std::move(summary);
  result.remediation = std::move(remediation);
  return result;
}

}  // namespace

// Policy, in order (the first that applies decides):
//  - installed unknown -> warn with the reasons.
//  - not installed -> pass: Defender for Cloud installs it; whether that will work is what the
//    other checks answer.
//  - installed but no mdatp CLI -> fail: corrupted install (mde_installer.sh exits 15).
//  - MDE lists conflicting applications -> fail naming them.
//  - the mdatp service is not running (live host) -> fail.
//  - mdatp health timed out -> warn with the reason.
//  - not onboarded ("missing license", licensed false, no onboarding file) -> warn: Defender for
//    Cloud onboards it, or the device needs an onboarding package.
//  - onboarded and unhealthy -> fail listing the health issues.
//  - onboarded and healthy -> pass; passive mode is stated, not judged.
//  - onboarded, health unknown: under --root pass (health needs the running machine, said so);
//    on a live host warn with why health could not be read.
CheckResult MdeInstallCheck::Run(const Context& ctx) const {
  const MdeState& state = MdeStateOf(ctx);
  CheckResult result;
  result.report = {{"mde", MdeStateToReport(state)}};
  result.evidence = state.evidence;
  if (!state.service_state.empty()) result.evidence["service_state"] = state.service_state;
  const std::string notes = Join(state.notes, "; ");

  if (!state.installed) {
    return With(std::move(result), Status::kWarn,
                "Could not tell whether MDE is installed: " + notes + ".",
                "Run the agent as root on the machine itself, or check `dpkg -s mdatp` / "
                "`rpm -q mdatp` by hand.");
  }
  if (!*state.installed) {
    return With(std::move(result), Status::kPass,
                "MDE is not installed; Defender for Cloud will install it.");
  }
  if (!state.cli_present) {
    const ExitCodeInfo* corrupt = InstallerExitCode(15);
    return With(std::move(result), Status::kFail,
                "The mdatp package is installed but the mdatp command is missing, so the "
                "installation is corrupted and the MDE installer stops with exit code 15.",
                corrupt->remediation);
  }
  if (!state.conflicting_applications.empty()) {
    return With(std::move(result), Status::kFail,
                Described(state) + " reports conflicting applications: " +
                    Join(state.conflicting_applications) + ".",
                "Remove or stop these products: running MDE alongside other fanotify-based "
                "security software is unsupported and can hang the system. If one must stay, run "
                "MDE in passive mode.");
  }
  if (const std::string problem = ServiceProblem(state.service_state); !problem.empty()) {
    return With(std::move(result), Status::kFail, "MDE is installed but " + problem + ".",
                "Start it with `systemctl start mdatp` and read `journalctl -u mdatp` if it stops "
                "again; reinstall the mdatp package if the unit is missing.");
  }
  if (state.health_timed_out) {
    return With(
        std::move(result), Status::kWarn,
        Described(state) + " is installed but its health is unknown: " + state.health_error + ".",
        "Check that the mdatp service is running and answers `mdatp health`; a daemon "
        "that is starting or updating can be slow.");
  }
  if (state.onboarded == false) {
    std::string summary = Described(state) + " is installed but not onboarded";
    summary += state.onboarding_file ? " (MDE reports no license)." : " (no onboarding file).";
    std::vector<std::string> others;
    for (const std::string& issue : state.health_issues) {
      if (issue != "missing license") others.push_back(issue);
    }
    if (!others.empty()) summary += " Other health issues: " + Join(others) + ".";
    if (ctx.live && !state.health_error.empty()) {
      summary += " Health is unknown: " + state.health_error + ".";
    }
    return With(std::move(result), Status::kWarn, std::move(summary),
                "With Defender for Cloud's MDE integration on, it onboards this machine (it reuses "
                "an existing install only for the same MDE organization); otherwise run the Linux "
                "onboarding package from the Microsoft Defender portal.");
  }
  if (!state.onboarded) {
    return With(
        std::move(result), Status::kWarn,
        Described(state) + " is installed but its onboarding state is unknown: " + notes + ".",
        "Run `mdatp health` on the machine and check `licensed` and `org_id`.");
  }
  const std::string org = state.org_id.empty() ? "" : " to organization " + state.org_id;
  if (state.healthy == false) {
    const std::string issues =
        state.health_issues.empty() ? std::string("MDE lists no issue") : Join(state.health_issues);
    return With(std::move(result), Status::kFail,
                Described(state) + " is onboarded" + org + " but unhealthy: " + issues + ".",
                "Fix the listed health issues (see `mdatp health` and "
                "https://learn.microsoft.com/defender-endpoint/health-status).");
  }
  if (state.healthy == true) {
    return With(std::move(result), Status::kPass,
                Described(state) + " is installed, onboarded" + org + " and healthy" +
                    PassiveSuffix(state) + ".");
  }
  if (!ctx.live) {
    return With(std::move(result), Status::kPass,
                Described(state) + " is installed and onboarded" + org +
                    "; its health was not checked because a file tree is inspected, not the "
                    "running machine.");
  }
  return With(std::move(result), Status::kWarn,
              Described(state) + " is installed and onboarded" + org +
                  " but its health is unknown: " + state.health_error + ".",
              "Run `mdatp health` on the machine and fix what it reports.");
}

}  // namespace preflight

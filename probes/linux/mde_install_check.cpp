#include "probes/linux/mde_install_check.h"

#include <string>

#include "probes/common/facts.h"
#include "probes/common/mde_install.h"
#include "probes/common/mde_installer_log.h"

namespace preflight {
namespace {

// Empty when the service state is fine or unknown.
std::string ServiceProblem(const std::string& state) {
  if (state == "inactive") return "the mdatp service is not running";
  if (state == "failed") return "the mdatp service has failed";
  if (state == "not-found") return "there is no mdatp service unit";
  return {};
}

const MdeInstallWords kLinuxWords = {
    .install_unknown =
        "Run the agent as root on the machine itself, or check `dpkg -s mdatp` / "
        "`rpm -q mdatp` by hand.",
    .not_onboarded_reason = "no onboarding file",
    .unlicensed_reason = "MDE reports no license",
    .not_onboarded =
        "With Defender for Cloud's MDE integration on, it onboards this machine (it reuses an "
        "existing install only for the same MDE organization); otherwise run the Linux "
        "onboarding package from the Microsoft Defender portal.",
    .onboarding_unknown = "Run `mdatp health` on the machine and check `licensed` and `org_id`.",
    .unhealthy =
        "Fix the listed health issues (see `mdatp health` and "
        "https://learn.microsoft.com/defender-endpoint/health-status).",
    .health_unknown = "Run `mdatp health` on the machine and fix what it reports.",
    .legacy_mma_summary = nullptr,
    .legacy_mma = nullptr,
    .corrupt_summary =
        "The mdatp package is installed but the mdatp command is missing, so the installation "
        "is corrupted and the MDE installer stops with exit code 15.",
    .corrupt = InstallerExitCode(15)->remediation,
    .conflicting_apps =
        "Remove or stop these products: running MDE alongside other fanotify-based security "
        "software is unsupported and can hang the system. If one must stay, run MDE in passive "
        "mode.",
    .service_down =
        "Start it with `systemctl start mdatp` and read `journalctl -u mdatp` if it "
        "stops again; reinstall the mdatp package if the unit is missing.",
    .health_timed_out =
        "Check that the mdatp service is running and answers `mdatp health`; a "
        "daemon that is starting or updating can be slow.",
};

}  // namespace

CheckResult MdeInstallCheck::Run(const Context& ctx) const {
  const MdeState& state = MdeStateOf(ctx);
  MdeInstallFacts facts(state);
  facts.live = ctx.live;
  facts.cli_missing = !state.cli_present;
  facts.service_problem = ServiceProblem(state.service_state);
  facts.health_needs_live = true;
  return DescribeMdeInstall(facts, EvaluateMdeInstall(facts), kLinuxWords);
}

}  // namespace preflight

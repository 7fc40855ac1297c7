#include "probes/linux/fanotify_check.h"

#include <algorithm>
#include <chrono>

#include <spdlog/spdlog.h>

#include "platform/file_system.h"
#include "platform/system_info.h"
#include "probes/linux/fanotify_catalog.h"
#include "probes/linux/fanotify_findings.h"
#include "probes/linux/fanotify_holders.h"
#include "probes/linux/fanotify_scan.h"
#include "probes/linux/fanotify_services.h"

namespace preflight {
namespace {

// The installer gives its scan 5 minutes (reference §1.1); ours reads far less (no fdinfo for
// ordinary fds), so 2 minutes is generous and a slower scan is reported as partial instead.
constexpr auto kScanBudget = std::chrono::seconds(120);
// Summaries carry names from the inspected host (os-release, paths); cap and clean them so the
// JSON report can always be written. A summary is a few sentences; 16 KiB is far above that.
constexpr std::size_t kMaxSentenceText = std::size_t{16} * 1024;

void Finish(const FanotifyFindings& findings, CheckResult& result) {
  findings.Finish(result);
  result.summary = ReportText(result.summary, kMaxSentenceText);
  result.remediation = ReportText(result.remediation, kMaxSentenceText);
}

// The real location of MDE when /opt/microsoft/mdatp is a symlink (--install-path), else "".
std::string MdatpTarget(const FileSystem& fs) {
  auto target = fs.ReadLink(std::string(kMdatpDir));
  if (!target.Ok() || target.Value().empty()) return {};
  if (target.Value().front() == '/') return target.Value();
  return "/opt/microsoft/" + target.Value();  // relative to the link's directory
}

nlohmann::json StatsJson(const FanotifyScanStats& s) {
  return {{"processes_seen", s.processes_seen},
          {"fds_checked", s.fds_checked},
          {"fanotify_fds", s.fanotify_fds},
          {"vanished_processes", s.vanished_processes},
          {"vanished_fds", s.vanished_fds},
          {"permission_denied", s.permission_denied},
          {"fdinfo_truncated", s.fdinfo_truncated},
          {"fd_lists_truncated", s.fd_lists_truncated},
          {"proc_list_truncated", s.proc_list_truncated},
          {"deadline_reached", s.deadline_reached},
          {"other_errors", s.other_errors},
          {"error_samples", s.error_samples}};
}

}  // namespace

CheckResult FanotifyCheck::Run(const Context& ctx) const {
  CheckResult result;
  FanotifyFindings findings;
  const BuiltInCatalog& built_in = BuiltInFanotifyCatalog();
  if (!built_in.error.empty()) {
    result.evidence["catalog_error"] = built_in.error;
    findings.Add(Status::kWarn, "The built-in product catalog did not load (" + built_in.error +
                                    "), so programs are named by process only.");
  }
  const FanotifyCatalog& catalog = built_in.catalog;
  const bool live = ctx.live && ctx.fs.IsLiveRoot();

  FanotifyScanOptions options;
  options.deadline = std::min(ctx.deadline, ctx.clock.SteadyNow() + kScanBudget);
  options.clock = &ctx.clock;
  for (const ConflictingService& service : catalog.services) {
    options.watch_comms.push_back(service.name);
  }
  const FanotifyScan scan = ScanFanotifyHolders(ctx.fs, options);
  result.evidence["proc"] = ReportText(ctx.fs.HostPath("/proc"), kMaxSentenceText);
  result.evidence["live"] = live;
  if (live) result.evidence["privileged"] = ctx.system.IsPrivileged();

  nlohmann::json service_evidence;
  AddServiceFindings(FindConflictingServices(ctx, catalog, scan.named, service_evidence), findings);
  result.evidence["services"] = service_evidence;

  if (!scan.proc_listed) {
    result.evidence["proc_error"] = ReportText(scan.proc_error.message, kMaxSentenceText);
    const std::string where = ctx.fs.HostPath("/proc");
    if (!live && scan.proc_error.kind == ErrorKind::kNotFound) {
      const std::string why = "The inspected tree has no " + where +
                              ", so the processes holding fanotify groups cannot be listed.";
      if (findings.Empty()) {
        result.status = Status::kSkip;
        result.summary = why + " Run the check on the live machine, or copy /proc into the tree.";
        return result;
      }
      findings.Add(Status::kWarn, why, "Run the check on the live machine.");
    } else {
      findings.Add(Status::kWarn,
                   "Cannot list " + where + " (" + scan.proc_error.message +
                       "), so the programs holding fanotify groups are unknown.",
                   "Run the check where /proc is mounted and readable, as root.");
    }
    Finish(findings, result);
    return result;
  }

  result.evidence["scan"] = StatsJson(scan.stats);
  nlohmann::json denied = nlohmann::json::array();
  for (const NamedProcess& p : scan.denied) denied.push_back({{"pid", p.pid}, {"comm", p.comm}});
  result.evidence["scan"]["denied"] = denied;
  const std::vector<ClassifiedHolder> holders = ClassifyHolders(scan, catalog, MdatpTarget(ctx.fs));
  nlohmann::json users = nlohmann::json::array();
  std::vector<std::string> conflict, allowed, mde, notify, unknown;
  for (const ClassifiedHolder& entry : holders) {
    users.push_back(HolderReport(entry));
    const std::string label = HolderLabel(entry);
    switch (entry.classification) {
      case HolderClass::kConflict:
        conflict.push_back(label);
        break;
      case HolderClass::kAllowed:
        // The sentence already says "fapolicyd"; pid and path are what tell instances apart.
        allowed.push_back("pid " + std::to_string(entry.holder->pid) +
                          (entry.holder->exe.empty() ? "" : ", " + entry.holder->exe));
        break;
      case HolderClass::kMde:
        mde.push_back(label);
        break;
      case HolderClass::kNotify:
        (entry.blocking_unknown ? unknown : notify).push_back(label);
        break;
    }
  }
  result.report["fanotify_users"] = users;

  if (!conflict.empty()) {
    findings.Add(
        Status::kFail,
        std::to_string(conflict.size()) +
            (conflict.size() == 1 ? " program holds" : " programs hold") +
            " a fanotify group that can block file access (content class or permission events), "
            "which Defender for Endpoint does not support next to it: " +
            JoinLabels(conflict) + ".",
        "Defender for Endpoint on Linux does not support running alongside other fanotify-based "
        "security solutions; it may lead to unpredictable behavior, including system hangs (" +
            std::string(kMdeLinuxPrerequisitesUrl) +
            "). Remove or disable the program(s) above, or run "
            "Defender for Endpoint in passive mode (mde_installer.sh --passive-mode). Defender for "
            "Cloud's automatic deployment might not work on such machines; install Defender for "
            "Endpoint manually there (" +
            std::string(kDefenderForCloudMdeUrl) + ").");
  }
  if (!allowed.empty()) AddFapolicydFinding(ctx, allowed, findings, result.evidence);
  if (!unknown.empty()) {
    findings.Add(Status::kWarn,
                 "Whether these fanotify users block file access is unknown, because their "
                 "fdinfo could not be read in full: " +
                     JoinLabels(unknown) + ".",
                 "Inspect /proc/<pid>/fdinfo/<fd> of each: class bits 4 or 8 in 'fanotify "
                 "flags:', or mark masks with 10000, 20000, 40000 or 100000 set, mean it blocks.");
  }
  AddPartialScanFinding(ctx, scan, live, findings, result.evidence);
  if (holders.empty()) {
    const std::size_t seen = scan.stats.processes_seen;
    findings.Add(Status::kPass, "No program holds a fanotify group (" + std::to_string(seen) +
                                    (seen == 1 ? " process" : " processes") + " inspected).");
  } else if (conflict.empty() && unknown.empty() && allowed.empty()) {
    findings.Add(Status::kPass, "No other program holds a blocking fanotify group.");
  }
  if (!mde.empty()) {
    findings.Add(Status::kPass, "Defender for Endpoint's own daemon holds fanotify groups (" +
                                    JoinLabels(mde) + ").");
  }
  if (!notify.empty()) {
    findings.Add(Status::kPass,
                 "Notification-only fanotify users, which cannot block file access "
                 "and do not conflict: " +
                     JoinLabels(notify) + ".");
  }
  Finish(findings, result);
  spdlog::debug("linux.fanotify: {} processes, {} fanotify fds, {} holders, status {}",
                scan.stats.processes_seen, scan.stats.fanotify_fds, holders.size(),
                StatusName(result.status));
  return result;
}

std::unique_ptr<Check> MakeFanotifyCheck() { return std::make_unique<FanotifyCheck>(); }

}  // namespace preflight

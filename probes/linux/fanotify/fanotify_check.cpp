#include "probes/linux/fanotify/fanotify_check.h"

#include <algorithm>
#include <chrono>

#include <spdlog/spdlog.h>

#include "platform/environment.h"
#include "platform/file_system.h"
#include "platform/system_info.h"
#include "probes/common/facts.h"
#include "probes/linux/fanotify/fanotify_catalog.h"
#include "probes/linux/fanotify/fanotify_findings.h"
#include "probes/linux/fanotify/fanotify_kernel_scan.h"
#include "probes/linux/fanotify/fanotify_scan_text.h"

namespace preflight {
namespace {

// The installer gives its scan 5 minutes (reference §1.1); ours reads far less (no fdinfo for
// ordinary fds), so 2 minutes is generous and a slower scan is reported as partial instead.
constexpr auto kScanBudget = std::chrono::seconds(120);
// Summaries carry names from the inspected host (os-release, paths); cap and clean them so the
// JSON report can always be written. A summary is a few sentences; 16 KiB is far above that.
constexpr std::size_t kMaxSentenceText = std::size_t{16} * 1024;
// /proc/mounts is one ~100-byte line per mount; 1 MiB covers hosts with thousands of mounts.
constexpr std::size_t kMaxMountsBytes = std::size_t{1024} * 1024;

CheckResult Finish(const FanotifyFindings& findings, CheckResult result) {
  findings.Finish(result);
  result.summary = ReportText(result.summary, kMaxSentenceText);
  result.remediation = ReportText(result.remediation, kMaxSentenceText);
  return result;
}

// The real location of MDE when /opt/microsoft/mdatp is a symlink (--install-path), else "".
std::string MdatpTarget(const FileSystem& fs) {
  auto target = fs.ReadLink(std::string(kMdatpDir));
  if (!target.Ok() || target.Value().empty()) return {};
  if (target.Value().front() == '/') return target.Value();
  return "/opt/microsoft/" + target.Value();  // relative to the link's directory
}

nlohmann::json StatsJson(const FanotifyScan& scan) {
  const FanotifyScanStats& s = scan.stats;
  nlohmann::json denied = nlohmann::json::array();
  for (const NamedProcess& p : scan.denied) denied.push_back({{"pid", p.pid}, {"comm", p.comm}});
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
          {"error_samples", s.error_samples},
          {"denied", denied}};
}

// The holders by what the policy made of them, as the summary names them.
struct HolderLabels {
  // can_block: notification marks only, but a content / pre-content group that may add
  // permission marks at any time.
  std::vector<std::string> conflict, allowed, mde, notify, unknown, can_block;
};

HolderLabels LabelHolders(const std::vector<ClassifiedHolder>& holders) {
  HolderLabels labels;
  for (const ClassifiedHolder& entry : holders) {
    const std::string label = HolderLabel(entry);
    switch (entry.classification) {
      case Classification::kConflict:
        labels.conflict.push_back(label);
        break;
      case Classification::kAllowed:
        // The sentence already says "fapolicyd"; pid and path are what tell instances apart.
        labels.allowed.push_back("pid " + std::to_string(entry.holder->pid) +
                                 (entry.holder->exe.empty() ? "" : ", " + entry.holder->exe));
        break;
      case Classification::kMde:
        labels.mde.push_back(label);
        break;
      case Classification::kNotify:
        if (entry.blocking_unknown) {
          labels.unknown.push_back(label);
        } else {
          (entry.can_block ? labels.can_block : labels.notify).push_back(label);
        }
        break;
    }
  }
  return labels;
}

// An image's /proc is missing or an empty mount point: running processes are not a property of
// an image, so only what is installed and enabled in it is judged.
bool TreeWithoutProcesses(const FanotifyFacts& facts) {
  if (facts.live) return false;
  if (!facts.scan.proc_listed) return facts.scan.proc_error.kind == ErrorKind::kNotFound;
  return facts.scan.stats.processes_seen == 0;
}

// /proc could not be listed or holds no process: nothing to judge but the services and the
// installed products. A tree is skipped when nothing else was found, never passed.
CheckResult JudgeWithoutProc(const FanotifyFacts& facts, FanotifyFindings& findings,
                             CheckResult result) {
  if (!facts.scan.proc_listed) {
    result.evidence["proc_error"] = ReportText(facts.scan.proc_error.message, kMaxSentenceText);
  }
  if (TreeWithoutProcesses(facts)) {
    const std::string why =
        std::string(facts.scan.proc_listed
                        ? "The inspected tree's " + facts.proc + " holds no process"
                        : "The inspected tree has no " + facts.proc) +
        ", so running fanotify users cannot be listed: running processes are not a property of "
        "an image. What is installed and enabled in it was judged instead.";
    if (findings.Empty()) {
      std::vector<std::string> names;
      for (const BootProduct& found : facts.boot) names.push_back(found.product->name);
      result.status = Status::kSkip;
      result.summary =
          why + (names.empty() ? " No catalogued fanotify product is installed in it."
                               : " Installed but not started at boot: " + JoinLabels(names) + ".");
      return result;
    }
    findings.Add(Status::kWarn, why, "Run the check on the booted machine as well.");
  } else {
    findings.Add(Status::kWarn,
                 "Cannot list " + facts.proc + " (" + facts.scan.proc_error.message +
                     "), so the programs holding fanotify groups are unknown.",
                 "Run the check where /proc is mounted and readable, as root.");
  }
  return Finish(findings, std::move(result));
}

void AddConflictFinding(const std::vector<std::string>& conflict, FanotifyFindings& findings) {
  findings.Add(
      Status::kFail,
      std::to_string(conflict.size()) +
          (conflict.size() == 1 ? " program holds" : " programs hold") +
          " a fanotify group that blocks file access (its marks ask for permission events), "
          "which Defender for Endpoint does not support next to it: " +
          JoinLabels(conflict) + ".",
      "Defender for Endpoint on Linux does not support running alongside other fanotify-based "
      "security solutions; it may lead to unpredictable behavior, including system hangs (" +
          std::string(kMdeLinuxPrerequisitesUrl) +
          "). Remove or disable the program(s) above, or run Defender for Endpoint in passive mode "
          "(mde_installer.sh --passive-mode). Defender for Cloud's automatic deployment might not "
          "work on such machines; install Defender for Endpoint manually there (" +
          std::string(kDefenderForCloudMdeUrl) + ").");
}

void AddHolderFindings(const FanotifyFacts& facts, const HolderLabels& labels,
                       FanotifyFindings& findings, nlohmann::json& evidence) {
  if (!labels.conflict.empty()) AddConflictFinding(labels.conflict, findings);
  if (!labels.allowed.empty() && facts.os != nullptr && facts.mde != nullptr) {
    AddFapolicydFinding(*facts.os, *facts.mde, labels.allowed, findings, evidence);
  }
  if (!labels.unknown.empty()) {
    findings.Add(Status::kWarn,
                 "Whether these fanotify users block file access is unknown, because their "
                 "fdinfo could not be read in full: " +
                     JoinLabels(labels.unknown) + ".",
                 "Inspect /proc/<pid>/fdinfo/<fd> of each: mark masks with 10000, 20000, 40000 "
                 "or 100000 set mean it blocks; class bits 4 or 8 in 'fanotify flags:' mean it "
                 "can.");
  }
  if (!labels.can_block.empty()) {
    findings.Add(Status::kWarn,
                 "These programs hold a content-class fanotify group that does not block file "
                 "access now (no mark asks for permission events) but can start to at any time: " +
                     JoinLabels(labels.can_block) + ".",
                 "Find out what each program does with its group; if it is a security product "
                 "that enables on-access blocking later, it conflicts with Defender for Endpoint.");
  }
  AddPartialScanFinding(facts.scan, facts.live && !facts.privileged, facts.hidepid, findings);
  if (facts.holders.empty()) {
    const std::size_t seen = facts.scan.stats.processes_seen;
    findings.Add(Status::kPass, "No program holds a fanotify group (" + std::to_string(seen) +
                                    (seen == 1 ? " process" : " processes") + " inspected).");
  } else if (labels.conflict.empty() && labels.unknown.empty() && labels.allowed.empty() &&
             labels.can_block.empty()) {
    findings.Add(Status::kPass, "No other program holds a blocking fanotify group.");
  }
  if (!labels.mde.empty()) {
    findings.Add(Status::kPass, "Defender for Endpoint's own daemon holds fanotify groups (" +
                                    JoinLabels(labels.mde) + ").");
  }
  if (!labels.notify.empty()) {
    findings.Add(Status::kPass,
                 "Notification-only fanotify users, which cannot block file access "
                 "and do not conflict: " +
                     JoinLabels(labels.notify) + ".");
  }
}

// The in-kernel scan when it can run here, else the /proc walk; says which ran and why.
FanotifyScan ScanByBestPath(const Context& ctx, const FanotifyGroupSource* kernel,
                            const FanotifyScanOptions& options, FanotifyFacts& facts) {
  const std::optional<std::string> forced = ctx.env.Get(kFanotifyScanEnv);
  facts.scan_path = "proc";
  if (!facts.live) {
    facts.scan_path_reason = "not the running machine: the tree's /proc copy is read";
  } else if (kernel == nullptr) {
    facts.scan_path_reason = "no in-kernel scan was configured";
  } else if (forced && *forced == "proc") {
    facts.scan_path_reason = std::string(kFanotifyScanEnv) + "=proc";
  } else {
    auto in_kernel = kernel->Scan();
    if (in_kernel.Ok()) {
      facts.scan_path = "bpf";
      facts.scan_path_reason = "the BPF task-file iterator loaded";
      return ScanFromKernel(ctx.fs, in_kernel.Value(), options);
    }
    facts.scan_path_reason = "the in-kernel scan is unavailable (" +
                             ReportText(in_kernel.Err().message, 512) + "); /proc was walked";
  }
  return ScanFanotifyHolders(ctx.fs, options);
}

}  // namespace

FanotifyFacts GatherFanotify(const Context& ctx, const FanotifyGroupSource* kernel) {
  FanotifyFacts facts;
  const BuiltInCatalog<FanotifyCatalog>& built_in = BuiltInFanotifyCatalog();
  facts.catalog_error = built_in.error;
  const FanotifyCatalog& catalog = built_in.catalog;
  facts.live = ctx.live && ctx.fs.IsLiveRoot();
  if (facts.live) facts.privileged = ctx.system.IsPrivileged();
  facts.proc = ReportText(ctx.fs.HostPath("/proc"), kMaxSentenceText);

  FanotifyScanOptions options;
  options.deadline = std::min(ctx.deadline, ctx.clock.SteadyNow() + kScanBudget);
  options.clock = &ctx.clock;
  for (const ConflictingService& service : catalog.services) {
    options.watch_comms.push_back(service.name);
  }
  facts.scan = ScanByBestPath(ctx, kernel, options, facts);
  facts.services = FindConflictingServices(ctx, catalog, facts.scan.named, facts.service_evidence);
  if (facts.scan.proc_listed) {
    facts.holders = ClassifyHolders(facts.scan, catalog, MdatpTarget(ctx.fs));
  }
  facts.boot = FindBootProducts(ctx, catalog, facts.holders, facts.boot_evidence);
  // fapolicyd, running or installed, is judged by the distribution and MDE's health.
  const bool fapolicyd =
      std::any_of(
          facts.holders.begin(), facts.holders.end(),
          [](const ClassifiedHolder& h) { return h.classification == Classification::kAllowed; }) ||
      std::any_of(facts.boot.begin(), facts.boot.end(), [](const BootProduct& b) {
        return b.product->classification == Classification::kAllowed;
      });
  if (fapolicyd) {
    facts.os = &OsReleaseOf(ctx);
    facts.mde = &MdeStateOf(ctx);
  }
  if (!facts.scan.proc_listed) return facts;
  if (facts.live && (!facts.privileged || facts.scan.Partial())) {
    facts.mounts_read = true;
    const Result<std::string> mounts = ctx.fs.ReadFile("/proc/mounts", kMaxMountsBytes);
    if (mounts.Ok()) facts.hidepid = ProcHidepid(mounts.Value());
  }
  return facts;
}

CheckResult JudgeFanotify(const FanotifyFacts& facts) {
  CheckResult result;
  FanotifyFindings findings;
  if (!facts.catalog_error.empty()) {
    result.evidence["catalog_error"] = facts.catalog_error;
    findings.Add(Status::kWarn, "The built-in product catalog did not load (" +
                                    facts.catalog_error +
                                    "), so programs are named by process only.");
  }
  result.evidence["proc"] = facts.proc;
  result.evidence["live"] = facts.live;
  if (facts.live) result.evidence["privileged"] = facts.privileged;
  AddServiceFindings(facts.services, findings);
  result.evidence["services"] = facts.service_evidence;
  AddBootFindings(facts.boot, facts.live, facts.os, findings);
  result.evidence["installed_products"] = facts.boot_evidence;
  if (!facts.scan.proc_listed || TreeWithoutProcesses(facts)) {
    return JudgeWithoutProc(facts, findings, std::move(result));
  }

  result.evidence["scan"] = StatsJson(facts.scan);
  result.evidence["scan_path"] = facts.scan_path;
  result.evidence["scan_path_reason"] = facts.scan_path_reason;
  if (facts.mounts_read) {
    result.evidence["hidepid"] = facts.hidepid ? nlohmann::json(*facts.hidepid) : nlohmann::json();
  }
  nlohmann::json users = nlohmann::json::array();
  for (const ClassifiedHolder& entry : facts.holders) users.push_back(HolderReport(entry));
  result.report["fanotify_users"] = users;
  AddHolderFindings(facts, LabelHolders(facts.holders), findings, result.evidence);
  return Finish(findings, std::move(result));
}

CheckResult FanotifyCheck::Run(const Context& ctx) const {
  const FanotifyFacts facts = GatherFanotify(ctx, kernel_.get());
  CheckResult result = JudgeFanotify(facts);
  spdlog::debug("linux.fanotify: {} processes, {} fanotify fds, {} holders, status {}",
                facts.scan.stats.processes_seen, facts.scan.stats.fanotify_fds,
                facts.holders.size(), StatusName(result.status));
  return result;
}

}  // namespace preflight

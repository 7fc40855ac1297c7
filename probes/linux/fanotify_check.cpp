#include "probes/linux/fanotify_check.h"

#include <algorithm>
#include <chrono>

#include <spdlog/spdlog.h>

#include "platform/file_system.h"
#include "platform/system_info.h"
#include "probes/common/facts.h"
#include "probes/linux/fanotify_catalog.h"
#include "probes/linux/fanotify_holders.h"
#include "probes/linux/fanotify_scan.h"
#include "probes/linux/fanotify_services.h"

namespace preflight {
namespace {

// The installer gives its scan 5 minutes (reference §1.1); ours reads far less (no fdinfo for
// ordinary fds), so 2 minutes is generous and a slower scan is reported as partial instead.
constexpr auto kScanBudget = std::chrono::seconds(120);
// /proc/mounts is one ~100-byte line per mount; 1 MiB covers hosts with thousands of mounts.
constexpr std::size_t kMaxMountsBytes = 1024 * 1024;
constexpr std::size_t kMaxNamesInSummary = 10;

constexpr char kPrerequisitesUrl[] =
    "https://learn.microsoft.com/defender-endpoint/mde-linux-prerequisites";
constexpr char kDefenderForCloudUrl[] =
    "https://learn.microsoft.com/azure/defender-for-cloud/enable-defender-for-endpoint";

// Sentences collected while judging; the worst status wins, and the summary reads worst first.
class Findings {
 public:
  void Add(Status status, std::string sentence, std::string remediation = {}) {
    items_.push_back({status, std::move(sentence), std::move(remediation)});
  }
  bool Empty() const { return items_.empty(); }

  void Finish(CheckResult& result) const {
    result.status = Status::kPass;
    for (const Status status : {Status::kFail, Status::kWarn, Status::kPass}) {
      for (const Item& item : items_) {
        if (item.status != status) continue;
        if (Rank(status) > Rank(result.status)) result.status = status;
        Append(result.summary, item.sentence);
        if (!item.remediation.empty() &&
            result.remediation.find(item.remediation) == std::string::npos) {
          Append(result.remediation, item.remediation);
        }
      }
    }
  }

 private:
  struct Item {
    Status status;
    std::string sentence;
    std::string remediation;
  };
  static int Rank(Status s) { return s == Status::kFail ? 2 : s == Status::kWarn ? 1 : 0; }
  static void Append(std::string& text, const std::string& sentence) {
    if (!text.empty()) text += ' ';
    text += sentence;
  }
  std::vector<Item> items_;
};

std::string JoinLabels(const std::vector<std::string>& labels) {
  std::string out;
  for (std::size_t i = 0; i < labels.size() && i < kMaxNamesInSummary; ++i) {
    if (i > 0) out += "; ";
    out += labels[i];
  }
  if (labels.size() > kMaxNamesInSummary) {
    out += "; and " + std::to_string(labels.size() - kMaxNamesInSummary) + " more";
  }
  return out;
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

void AddServices(const std::vector<ServiceFinding>& services, Findings& findings) {
  for (const ServiceFinding& f : services) {
    const std::string who = f.service.name + " (" + f.service.product + ")";
    const std::string installer =
        "mde_installer.sh, which the Defender for Cloud MDE.Linux extension runs, aborts with "
        "exit code 5 (CONFLICTING_APPS) when " +
        f.service.name + " is active.";
    if (f.active) {
      const std::string where = f.source == ServiceFinding::Source::kProcess
                                    ? "a process of that name is running (" + f.detail + ")"
                                    : "the service is " + f.detail;
      findings.Add(Status::kFail, "Conflicting service " + who + ": " + where + "; " + installer,
                   "Stop, disable and remove " + f.service.name +
                       " before installing Defender "
                       "for Endpoint, or confirm with " +
                       f.service.vendor +
                       " that it is compatible "
                       "and install manually with mde_installer.sh --skip_conflict.");
    } else {
      findings.Add(Status::kWarn,
                   "The conflicting service " + who + " is installed (" + f.detail +
                       ") but whether it runs cannot be told without the live service manager; " +
                       installer,
                   "On the machine itself, check `systemctl status " + f.service.name +
                       "` and remove the product if it is active.");
    }
  }
}

void AddFapolicyd(const Context& ctx, const std::vector<std::string>& labels, Findings& findings,
                  nlohmann::json& evidence) {
  const OsRelease& os = OsReleaseOf(ctx);
  const MdeState& mde = MdeStateOf(ctx);
  const auto opt = [](const std::optional<bool>& v) {
    return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
  };
  evidence["fapolicyd"] = {{"os_id", os.id},
                           {"os_id_like", os.id_like},
                           {"mde_installed", opt(mde.installed)},
                           {"mde_healthy", opt(mde.healthy)}};
  const std::string who = JoinLabels(labels);
  const std::string distro = !os.pretty_name.empty() ? os.pretty_name : os.id;
  const std::string exception =
      "Microsoft supports fapolicyd next to Defender for Endpoint in active mode only on RHEL "
      "and Fedora, and only while `mdatp health` reports healthy (" +
      std::string(kPrerequisitesUrl) + ").";
  const std::string fallback =
      "Otherwise stop fapolicyd or run Defender for Endpoint in passive mode "
      "(mde_installer.sh --passive-mode).";
  // The documented exception names RHEL and Fedora. Rebuilds (CentOS, Rocky, Alma, Oracle) ship
  // the same fapolicyd but are not named, so they get a warning rather than a pass or a failure.
  const bool named = os.id == "rhel" || os.id == "fedora";
  const bool derivative = !named && (os.id_like.find("rhel") != std::string::npos ||
                                     os.id_like.find("fedora") != std::string::npos);
  if (named && mde.installed == true && mde.healthy == false) {
    findings.Add(Status::kWarn,
                 "fapolicyd is running (" + who +
                     ") and Defender for Endpoint reports unhealthy; " + exception,
                 "Fix the issues `mdatp health` lists. " + fallback);
  } else if (named) {
    findings.Add(Status::kPass,
                 "fapolicyd is running (" + who + "), which is supported on " + distro +
                     (mde.healthy == true ? " and Defender for Endpoint reports healthy."
                                          : " as long as `mdatp health` reports healthy; check "
                                            "it after onboarding."));
  } else if (!os.found) {
    findings.Add(Status::kWarn,
                 "fapolicyd is running (" + who + ") and the distribution is unknown (" + os.error +
                     "). " + exception,
                 fallback);
  } else {
    findings.Add(Status::kWarn,
                 "fapolicyd is running (" + who + ") on " + distro +
                     (derivative ? ", a RHEL-compatible distribution the documented exception "
                                   "does not name. "
                                 : ". ") +
                     exception,
                 "After onboarding, confirm `mdatp health` is healthy and lists no "
                 "conflicting_applications. " +
                     fallback);
  }
}

void AddPartialScan(const Context& ctx, const FanotifyScan& scan, bool live, Findings& findings,
                    nlohmann::json& evidence) {
  const bool unprivileged = live && !ctx.system.IsPrivileged();
  if (!unprivileged && !scan.Partial()) return;
  std::string hidepid_note;
  if (live) {
    auto mounts = ctx.fs.ReadFile("/proc/mounts", kMaxMountsBytes);
    const auto hidepid = mounts.Ok() ? ProcHidepid(mounts.Value()) : std::nullopt;
    evidence["hidepid"] = hidepid ? nlohmann::json(*hidepid) : nlohmann::json(nullptr);
    if (hidepid) {
      hidepid_note = "; /proc is mounted with hidepid=" + *hidepid +
                     ", which hides other users' processes from non-root readers entirely";
    }
  }
  const FanotifyScanStats& s = scan.stats;
  std::string why;
  const auto add = [&why](const std::string& part) {
    if (!why.empty()) why += "; ";
    why += part;
  };
  if (unprivileged) add("the agent is not running as root" + hidepid_note);
  if (s.permission_denied > 0 && unprivileged) {
    add(std::to_string(s.permission_denied) + " processes could not be inspected");
  } else if (s.permission_denied > 0) {
    // As root, a denial is unusual enough that naming the processes helps.
    std::string list;
    for (const NamedProcess& p : scan.denied) {
      list += (list.empty() ? "" : ", ") + ("pid " + std::to_string(p.pid)) +
              (p.comm.empty() ? "" : " " + p.comm);
    }
    if (s.permission_denied > scan.denied.size()) {
      list += ", " + std::to_string(s.permission_denied - scan.denied.size()) + " more";
    }
    add(std::to_string(s.permission_denied) +
        (s.permission_denied == 1 ? " process" : " processes") +
        " could not be inspected even as root (ptrace access to it is denied, e.g. by a "
        "security module or a more privileged owner): " +
        list);
  }
  if (s.deadline_reached) {
    add("the scan stopped at its time limit after " + std::to_string(s.processes_seen) +
        " processes");
  }
  if (s.fd_lists_truncated > 0) {
    add(std::to_string(s.fd_lists_truncated) + " processes have more than " +
        std::to_string(kMaxFdsPerProcess) + " descriptors and only the first were checked");
  }
  if (s.proc_list_truncated) add("/proc listed more entries than the PID_MAX_LIMIT bound");
  if (s.other_errors > 0) {
    add(std::to_string(s.other_errors) + " processes could not be read (" +
        (s.error_samples.empty() ? std::string("unknown error") : s.error_samples.front()) + ")");
  }
  findings.Add(Status::kWarn,
               "The process scan was partial, so a fanotify user may be missing: " + why + ".",
               unprivileged ? "Run mde-preflight as root (sudo) so every process can be inspected."
                            : "Re-run the check; if it stays partial, inspect /proc/<pid>/fd of "
                              "the processes that could not be read.");
}

}  // namespace

CheckResult FanotifyCheck::Run(const Context& ctx) const {
  CheckResult result;
  Findings findings;
  const BuiltInCatalog& built_in = BuiltInFanotifyCatalog();
  if (!built_in.error.empty()) {
    result.evidence["catalog_error"] = built_in.error;
    findings.Add(Status::kWarn, "The built-in product catalog did not load (" + built_in.error +
                                    "), so programs are named by process only.");
  }
  const FanotifyCatalog& catalog = built_in.catalog;
  const bool live = ctx.live && ctx.fs.IsLiveRoot();

  FanotifyScanOptions options;
  options.deadline = std::min(ctx.deadline, std::chrono::steady_clock::now() + kScanBudget);
  for (const ConflictingService& service : catalog.services) {
    options.watch_comms.push_back(service.name);
  }
  const FanotifyScan scan = ScanFanotifyHolders(ctx.fs, options);
  result.evidence["proc"] = ctx.fs.HostPath("/proc");
  result.evidence["live"] = live;
  if (live) result.evidence["privileged"] = ctx.system.IsPrivileged();

  nlohmann::json service_evidence;
  AddServices(FindConflictingServices(ctx, catalog, scan.named, service_evidence), findings);
  result.evidence["services"] = service_evidence;

  if (!scan.proc_listed) {
    result.evidence["proc_error"] = scan.proc_error.message;
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
    findings.Finish(result);
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
        allowed.push_back(label);
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
            std::string(kPrerequisitesUrl) +
            "). Remove or disable the program(s) above, or run "
            "Defender for Endpoint in passive mode (mde_installer.sh --passive-mode). Defender for "
            "Cloud's automatic deployment might not work on such machines; install Defender for "
            "Endpoint manually there (" +
            std::string(kDefenderForCloudUrl) + ").");
  }
  if (!allowed.empty()) AddFapolicyd(ctx, allowed, findings, result.evidence);
  if (!unknown.empty()) {
    findings.Add(Status::kWarn,
                 "Whether these fanotify users block file access is unknown, because their "
                 "fdinfo could not be read in full: " +
                     JoinLabels(unknown) + ".",
                 "Inspect /proc/<pid>/fdinfo/<fd> of each: class bits 4 or 8 in 'fanotify "
                 "flags:', or mark masks with 10000, 20000, 40000 or 100000 set, mean it blocks.");
  }
  AddPartialScan(ctx, scan, live, findings, result.evidence);
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
  findings.Finish(result);
  spdlog::debug("linux.fanotify: {} processes, {} fanotify fds, {} holders, status {}",
                scan.stats.processes_seen, scan.stats.fanotify_fds, holders.size(),
                StatusName(result.status));
  return result;
}

std::unique_ptr<Check> MakeFanotifyCheck() { return std::make_unique<FanotifyCheck>(); }

}  // namespace preflight

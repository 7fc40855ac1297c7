#include "probes/linux/fanotify/fanotify_findings.h"

#include <initializer_list>
#include <string_view>

#include "probes/linux/fanotify/fanotify_scan_text.h"

namespace preflight {
namespace {

constexpr std::size_t kMaxNamesInSummary = 10;

std::string Cat(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (const std::string_view part : parts) out.append(part);
  return out;
}

}  // namespace

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

void AddServiceFindings(const std::vector<ServiceFinding>& services, FanotifyFindings& findings) {
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
      findings.Add(Status::kFail, Cat({"Conflicting service ", who, ": ", where, "; ", installer}),
                   Cat({"Stop, disable and remove ", f.service.name,
                        " before installing Defender for Endpoint, or confirm with ",
                        f.service.vendor, " that it is compatible and install manually with ",
                        "mde_installer.sh --skip_conflict."}));
    } else if (f.image && !f.enabled_by.empty()) {
      findings.Add(
          Status::kFail,
          Cat({"Conflicting service ", who, ": installed (", f.detail,
               ") and enabled to start at boot (", f.enabled_by,
               "), so it will be active on the machine booted from this image; ", installer}),
          Cat({"Disable and remove ", f.service.name,
               " from the image before it is captured (systemctl disable ", f.service.name,
               "), or confirm with ", f.service.vendor,
               " that it is compatible and install Defender for Endpoint manually with ",
               "mde_installer.sh --skip_conflict."}));
    } else {
      findings.Add(Status::kWarn,
                   Cat({"The conflicting service ", who, " is installed (", f.detail,
                        ") but whether it runs cannot be told without the live service manager; ",
                        installer}),
                   Cat({"On the machine itself, check `systemctl status ", f.service.name,
                        "` and remove the product if it is active."}));
    }
  }
}

void AddFapolicydFinding(const OsRelease& os, const MdeState& mde,
                         const std::vector<std::string>& labels, FanotifyFindings& findings,
                         nlohmann::json& evidence) {
  const auto opt = [](const std::optional<bool>& v) {
    return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
  };
  evidence["fapolicyd"] = {{"os_id", ReportText(os.id, 256)},
                           {"os_id_like", ReportText(os.id_like, 256)},
                           {"mde_installed", opt(mde.installed)},
                           {"mde_healthy", opt(mde.healthy)}};
  const std::string who = JoinLabels(labels);
  const std::string distro = !os.pretty_name.empty() ? os.pretty_name : os.id;
  const std::string exception =
      "Microsoft supports fapolicyd next to Defender for Endpoint in active mode only on RHEL "
      "and Fedora, and only while `mdatp health` reports healthy (" +
      std::string(kMdeLinuxPrerequisitesUrl) + ").";
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

void AddPartialScanFinding(const FanotifyScan& scan, bool unprivileged,
                           const std::optional<std::string>& hidepid, FanotifyFindings& findings) {
  if (!unprivileged && !scan.Partial()) return;
  const std::string hidepid_note =
      hidepid ? "; /proc is mounted with hidepid=" + *hidepid +
                    ", which hides other users' processes from non-root readers entirely"
              : "";
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

}  // namespace preflight

#include "probes/linux/services_check.h"

#include <string>

#include "platform/file_system.h"
#include "probes/common/findings.h"
#include "probes/common/tree_links.h"

namespace preflight {
namespace {

// sd_booted(3): "this function checks whether the directory /run/systemd/system/ exists".
constexpr const char* kSystemdBooted = "/run/systemd/system";
// Where distributions install the systemd binary (merged /usr, then split /usr).
constexpr const char* kSystemdBinaries[] = {"/usr/lib/systemd/systemd", "/lib/systemd/systemd"};
constexpr const char* kPython3[] = {"/usr/bin/python3", "/usr/local/bin/python3", "/bin/python3"};
constexpr const char* kPython2[] = {"/usr/bin/python2", "/usr/bin/python", "/bin/python2",
                                    "/usr/local/bin/python2"};
// Verbatim from azure-docs #102162 (reference/linux.md 1.5).
constexpr const char* kNoPythonMessage =
    "Extension returned non-zero exit code for Install: 52. Extension error output: No Python "
    "interpreter found, which is an MDC-MDE extension dependency. Please install either Python 2 "
    "or 3.";

// The first path that exists as a regular file, following links inside the tree; empty if none.
template <std::size_t N>
std::string FirstFile(const FileSystem& fs, const char* const (&paths)[N]) {
  for (const char* path : paths) {
    auto info = fs.Stat(ResolveInTree(fs, path));
    if (info.Ok() && info.Value().type == FileType::kRegular) return path;
  }
  return {};
}

ServicesFacts GatherServices(const Context& ctx) {
  ServicesFacts facts;
  facts.live = ctx.live;
  facts.systemd_binary = FirstFile(ctx.fs, kSystemdBinaries);
  if (ctx.live) {
    auto booted = ctx.fs.Stat(kSystemdBooted);
    facts.systemd_booted = booted.Ok() && booted.Value().type == FileType::kDirectory;
  }
  facts.python3 = FirstFile(ctx.fs, kPython3);
  if (facts.python3.empty()) facts.python2 = FirstFile(ctx.fs, kPython2);
  return facts;
}

void WordSystemd(const ServicesFacts& facts, const ServicesVerdict& verdict, Findings& findings) {
  switch (verdict.systemd) {
    case SystemdFinding::kRunsAsInit:
      break;
    case SystemdFinding::kNotInit:
      findings.Add(verdict.systemd_status,
                   std::string("systemd is not the init system (") + kSystemdBooted +
                       " does not exist, the sd_booted(3) test); MDE on Linux requires systemd.",
                   "Run MDE on a system booted with systemd. In a container, MDE belongs on the "
                   "host, not inside the container.");
      break;
    case SystemdFinding::kNotInstalled:
      findings.Add(verdict.systemd_status,
                   "systemd is not installed in the tree (no /usr/lib/systemd/systemd or "
                   "/lib/systemd/systemd); MDE on Linux requires systemd.",
                   "Use an image whose init system is systemd.");
      break;
    case SystemdFinding::kInstalled:
      findings.Note("systemd is installed at " + facts.systemd_binary +
                    "; whether it runs as init cannot be known offline.");
      break;
  }
}

void WordPython(const ServicesFacts& facts, const ServicesVerdict& verdict, Findings& findings) {
  switch (verdict.python) {
    case PythonFinding::kPython3:
      break;
    case PythonFinding::kOnlyPython2:
      findings.Add(verdict.python_status,
                   "Only Python 2 (" + facts.python2 +
                       ") is installed; the MDE.Linux VM extension runs with it, but Defender for "
                       "Cloud requires Python 3 on RHEL 8 and Ubuntu 20.04 and later.",
                   "Install Python 3 (for example: dnf install python3, or apt-get install "
                   "python3) before Defender for Cloud deploys the MDE.Linux extension.");
      break;
    case PythonFinding::kNone:
      findings.Add(verdict.python_status,
                   std::string("No Python interpreter is installed (looked for python3 in "
                               "/usr/bin, /usr/local/bin, /bin, and python2); the MDE.Linux VM "
                               "extension will fail with \"") +
                       kNoPythonMessage + "\"",
                   "Install Python 3 (for example: dnf install python3, or apt-get install "
                   "python3). A manual install of MDE without the extension does not need Python.");
      break;
  }
}

CheckResult WordServices(const ServicesFacts& facts, const ServicesVerdict& verdict) {
  nlohmann::json evidence = {{"systemd_binary", facts.systemd_binary}};
  if (facts.live) evidence["systemd_running"] = facts.systemd_booted;
  evidence["python3"] = facts.python3;
  if (!facts.python2.empty()) evidence["python2"] = facts.python2;
  Findings findings;
  WordSystemd(facts, verdict, findings);
  WordPython(facts, verdict, findings);
  return findings.Finish(std::string(facts.live ? "systemd runs as init" : "systemd is installed") +
                             " and Python 3 is available for the MDE.Linux extension (" +
                             facts.python3 + ").",
                         std::move(evidence));
}

}  // namespace

ServicesVerdict EvaluateServices(const ServicesFacts& facts) {
  ServicesVerdict verdict;
  if (facts.live) {
    verdict.systemd = facts.systemd_booted ? SystemdFinding::kRunsAsInit : SystemdFinding::kNotInit;
  } else {
    verdict.systemd =
        facts.systemd_binary.empty() ? SystemdFinding::kNotInstalled : SystemdFinding::kInstalled;
  }
  const bool no_systemd = verdict.systemd == SystemdFinding::kNotInit ||
                          verdict.systemd == SystemdFinding::kNotInstalled;
  verdict.systemd_status = no_systemd ? Status::kFail : Status::kPass;
  if (!facts.python3.empty()) {
    verdict.python = PythonFinding::kPython3;
  } else {
    verdict.python = facts.python2.empty() ? PythonFinding::kNone : PythonFinding::kOnlyPython2;
  }
  verdict.python_status = verdict.python == PythonFinding::kNone          ? Status::kFail
                          : verdict.python == PythonFinding::kOnlyPython2 ? Status::kWarn
                                                                          : Status::kPass;
  return verdict;
}

CheckResult ServicesCheck::Run(const Context& ctx) const {
  const ServicesFacts facts = GatherServices(ctx);
  return WordServices(facts, EvaluateServices(facts));
}

}  // namespace preflight

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

}  // namespace

CheckResult ServicesCheck::Run(const Context& ctx) const {
  Findings findings;
  nlohmann::json evidence = nlohmann::json::object();

  const std::string systemd = FirstFile(ctx.fs, kSystemdBinaries);
  evidence["systemd_binary"] = systemd;
  if (ctx.live) {
    auto booted = ctx.fs.Stat(kSystemdBooted);
    const bool running = booted.Ok() && booted.Value().type == FileType::kDirectory;
    evidence["systemd_running"] = running;
    if (!running) {
      findings.Add(Status::kFail,
                   std::string("systemd is not the init system (") + kSystemdBooted +
                       " does not exist, the sd_booted(3) test); MDE on Linux requires systemd.",
                   "Run MDE on a system booted with systemd. In a container, MDE belongs on the "
                   "host, not inside the container.");
    }
  } else if (systemd.empty()) {
    findings.Add(Status::kFail,
                 "systemd is not installed in the tree (no /usr/lib/systemd/systemd or "
                 "/lib/systemd/systemd); MDE on Linux requires systemd.",
                 "Use an image whose init system is systemd.");
  } else {
    findings.Note("systemd is installed at " + systemd +
                  "; whether it runs as init cannot be known offline.");
  }

  const std::string python3 = FirstFile(ctx.fs, kPython3);
  const std::string python2 = python3.empty() ? FirstFile(ctx.fs, kPython2) : std::string();
  evidence["python3"] = python3;
  if (!python2.empty()) evidence["python2"] = python2;
  if (python3.empty() && !python2.empty()) {
    findings.Add(Status::kWarn,
                 "Only Python 2 (" + python2 +
                     ") is installed; the MDE.Linux VM extension runs "
                     "with it, but Defender for Cloud requires Python 3 on RHEL 8 and Ubuntu 20.04 "
                     "and later.",
                 "Install Python 3 (for example: dnf install python3, or apt-get install python3) "
                 "before Defender for Cloud deploys the MDE.Linux extension.");
  } else if (python3.empty()) {
    findings.Add(Status::kFail,
                 std::string("No Python interpreter is installed (looked for python3 in /usr/bin, "
                             "/usr/local/bin, /bin, and python2); the MDE.Linux VM extension will "
                             "fail with \"") +
                     kNoPythonMessage + "\"",
                 "Install Python 3 (for example: dnf install python3, or apt-get install python3). "
                 "A manual install of MDE without the extension does not need Python.");
  }

  return findings.Finish(std::string(ctx.live ? "systemd runs as init" : "systemd is installed") +
                             " and Python 3 is available for the MDE.Linux extension (" + python3 +
                             ").",
                         std::move(evidence));
}

}  // namespace preflight

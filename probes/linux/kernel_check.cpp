#include "probes/linux/kernel_check.h"

#include <string>
#include <vector>

#include "platform/file_system.h"
#include "platform/system_info.h"
#include "platform/text.h"
#include "probes/common/facts.h"
#include "probes/common/findings.h"
#include "probes/common/version.h"
#include "probes/linux/gzip.h"
#include "probes/linux/kernel_config.h"
#include "probes/linux/kernel_support.h"
#include "probes/linux/linux_support.h"

namespace preflight {
namespace {

// The running kernel's release; kernel/utsname_sysctl.c. Holds at most 64 characters.
constexpr const char* kOsRelease = "/proc/sys/kernel/osrelease";
constexpr std::size_t kMaxOsReleaseBytes = 256;
// The installer reads /boot/config-$(uname -r) (mde_installer.sh v1.2.1 --pre-req); the kernel
// exports its own configuration at /proc/config.gz when built with CONFIG_IKCONFIG_PROC.
constexpr const char* kProcConfigGz = "/proc/config.gz";
// A distribution kernel's .config is about 150-300 KB (Ubuntu 6.8 generic: ~290 KB); 4 MiB is
// more than ten times that and still bounds a hostile file and a gzip bomb.
constexpr std::size_t kMaxConfigBytes = std::size_t{4} * 1024 * 1024;
// /proc/config.gz compresses that to about 60-80 KB.
constexpr std::size_t kMaxConfigGzBytes = std::size_t{1024} * 1024;
// /boot of a long-lived server holds a few files per installed kernel.
constexpr std::size_t kMaxBootEntries = 1024;

struct Release {
  std::string value;
  std::string source;
};

Release ReadRelease(const Context& ctx, std::vector<std::string>& tried) {
  tried.push_back(kOsRelease);
  auto text = ctx.fs.ReadFile(kOsRelease, kMaxOsReleaseBytes);
  if (text.Ok()) {
    std::string value = text.Value();
    while (!value.empty() && (value.back() == '\n' || value.back() == ' ')) value.pop_back();
    if (!value.empty()) return {value, kOsRelease};
  }
  if (ctx.live) {
    tried.push_back("uname(2)");
    auto uname = ctx.system.Uname();
    if (uname.Ok() && !uname.Value().release.empty()) return {uname.Value().release, "uname(2)"};
    return {};
  }
  // An offline image has no /proc; with exactly one kernel installed its config names it.
  tried.push_back("/boot/config-*");
  auto boot = ctx.fs.ListDir("/boot", kMaxBootEntries);
  if (!boot.Ok()) return {};
  std::vector<std::string> releases;
  for (const DirEntry& entry : boot.Value().entries) {
    if (entry.name.rfind("config-", 0) == 0) releases.push_back(entry.name.substr(7));
  }
  if (releases.size() != 1) return {};
  return {releases.front(), "/boot/config-" + releases.front() + " (the only kernel in the tree)"};
}

struct Config {
  std::string path;
  std::string text;
};

// The first readable configuration; `problems` collects why each path failed.
Config ReadConfig(const Context& ctx, const std::string& release, std::vector<std::string>& tried,
                  std::vector<std::string>& problems) {
  if (SafeKernelRelease(release)) {
    const std::string boot = "/boot/config-" + release;
    tried.push_back(boot);
    auto text = ctx.fs.ReadFile(boot, kMaxConfigBytes);
    if (text.Ok()) return {boot, std::move(text).Value()};
    problems.push_back(text.Err().message);
  }
  tried.push_back(kProcConfigGz);
  auto gz = ctx.fs.ReadFile(kProcConfigGz, kMaxConfigGzBytes);
  if (!gz.Ok()) {
    problems.push_back(gz.Err().message);
    return {};
  }
  auto text = GunzipBounded(gz.Value(), kMaxConfigBytes);
  if (!text.Ok()) {
    problems.push_back(std::string(kProcConfigGz) + ": " + text.Err().message);
    return {};
  }
  return {kProcConfigGz, std::move(text).Value()};
}

}  // namespace

CheckResult KernelCheck::Run(const Context& ctx) const {
  Findings findings;
  nlohmann::json evidence = nlohmann::json::object();
  std::vector<std::string> tried;
  const Release release = ReadRelease(ctx, tried);
  if (release.value.empty()) {
    evidence["tried"] = tried;
    findings.Add(Status::kWarn,
                 "The kernel release could not be determined (tried " + Join(tried, ", ") +
                     "), so the kernel version, fanotify support and eBPF support were not "
                     "verified.",
                 "Run mde-preflight on the machine itself, or include proc/sys/kernel/osrelease "
                 "in the inspected tree.");
    return findings.Finish("", std::move(evidence));
  }
  evidence["release"] = release.value;
  evidence["release_source"] = release.source;

  const Result<LinuxSupport>& data = EmbeddedLinuxSupport();
  // The documented minimum (mde-linux-prerequisites.md); the data file carries the same value.
  const std::string minimum = data.Ok() ? data.Value().minimum_kernel : "3.10.0-327";
  evidence["minimum_kernel"] = minimum;
  if (CompareVersions(release.value, minimum) < 0) {
    findings.Add(
        Status::kFail,
        "Kernel " + release.value + " is older than " + minimum +
            ", the oldest kernel MDE on Linux supports.",
        "Update to a kernel at " + minimum + " or later (for RHEL/CentOS 7: 7.2 or later).");
  }

  std::vector<std::string> config_tried;
  std::vector<std::string> problems;
  const Config config = ReadConfig(ctx, release.value, config_tried, problems);
  if (config.path.empty()) {
    evidence["config_tried"] = config_tried;
    evidence["config_errors"] = problems;
    findings.Add(Status::kWarn,
                 "The kernel configuration was not found (tried " + Join(config_tried, ", ") +
                     "), so fanotify support, which real-time protection needs, could not be "
                     "verified.",
                 "Confirm the kernel has CONFIG_FANOTIFY=y and "
                 "CONFIG_FANOTIFY_ACCESS_PERMISSIONS=y (grep FANOTIFY /boot/config-$(uname -r)).");
  } else {
    const auto values = ParseKernelConfig(config.text);
    const auto value_of = [&](const char* name) {
      const auto it = values.find(name);
      return it == values.end() ? std::string("absent") : it->second;
    };
    const std::string fanotify = value_of("CONFIG_FANOTIFY");
    const std::string permissions = value_of("CONFIG_FANOTIFY_ACCESS_PERMISSIONS");
    evidence["config_path"] = config.path;
    evidence["config_fanotify"] = fanotify;
    evidence["config_fanotify_access_permissions"] = permissions;
    if (fanotify != "y") {
      findings.Add(Status::kFail,
                   "The kernel is built without fanotify (CONFIG_FANOTIFY is " + fanotify + " in " +
                       config.path + "), so MDE real-time protection cannot work.",
                   "Boot a kernel built with CONFIG_FANOTIFY=y, as the distribution kernels on "
                   "Microsoft's supported list are.");
    } else if (permissions != "y") {
      // Wording of mde_installer.sh v1.2.1 --pre-req.
      findings.Add(Status::kWarn,
                   "Fanotify can't run in blocking mode: CONFIG_FANOTIFY_ACCESS_PERMISSIONS is " +
                       permissions + " in " + config.path +
                       ", so MDE can detect but not block malicious files on access.",
                   "Boot a kernel built with CONFIG_FANOTIFY_ACCESS_PERMISSIONS=y for on-access "
                   "blocking.");
    }
  }

  if (data.Ok()) {
    const OsRelease& os = OsReleaseOf(ctx);
    const EbpfVerdict ebpf =
        EvaluateEbpf(data.Value(), os.found ? os.id : std::string(), os.version_id, release.value);
    evidence["ebpf_minimum_kernel"] = ebpf.minimum;
    evidence["ebpf_minimum_basis"] = ebpf.basis;
    evidence["ebpf_supported"] = ebpf.supported;
    if (!ebpf.supported) {
      findings.Add(Status::kWarn,
                   "Kernel " + release.value + " is older than " + ebpf.minimum +
                       ", the minimum for MDE's eBPF event provider (" + ebpf.basis +
                       "); MDE falls back to Netlink and misses file and socket events.",
                   "Update the kernel to " + ebpf.minimum + " or later to get eBPF events.");
    }
    if (!ebpf.hang_note.empty()) {
      findings.Add(Status::kWarn, ebpf.hang_note,
                   "Use another kernel, or disable eBPF: mdatp config "
                   "ebpf-supplementary-event-provider --value disabled.");
    }
  }

  CheckResult result =
      findings.Finish("Kernel " + release.value + " meets MDE's minimum (" + minimum +
                          "), has fanotify with permission events (blocking mode), and is new "
                          "enough for MDE's eBPF "
                          "event provider.",
                      std::move(evidence));
  result.report = {{"host", {{"kernel", release.value}}}};
  return result;
}

}  // namespace preflight

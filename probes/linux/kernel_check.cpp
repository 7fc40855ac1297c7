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

// The documented minimum (mde-linux-prerequisites.md) when the data file, which carries the same
// value, cannot be read.
constexpr const char* kDocumentedMinimumKernel = "3.10.0-327";

KernelFacts GatherKernel(const Context& ctx) {
  KernelFacts facts;
  const Release release = ReadRelease(ctx, facts.release_tried);
  if (release.value.empty()) return facts;
  facts.release = release.value;
  facts.release_source = release.source;
  const Config config = ReadConfig(ctx, release.value, facts.config_tried, facts.config_errors);
  if (!config.path.empty()) {
    const auto values = ParseKernelConfig(config.text);
    const auto value_of = [&](const char* name) {
      const auto it = values.find(name);
      return it == values.end() ? std::string("absent") : it->second;
    };
    facts.config_path = config.path;
    facts.config_fanotify = value_of("CONFIG_FANOTIFY");
    facts.config_permissions = value_of("CONFIG_FANOTIFY_ACCESS_PERMISSIONS");
  }
  const OsRelease& os = OsReleaseOf(ctx);
  if (os.found) facts.os_id = os.id;
  facts.os_version_id = os.version_id;
  return facts;
}

void WordFanotify(const KernelFacts& facts, const KernelVerdict& verdict, Findings& findings,
                  nlohmann::json& evidence) {
  if (verdict.fanotify == FanotifyFinding::kUnknown) {
    evidence["config_tried"] = facts.config_tried;
    evidence["config_errors"] = facts.config_errors;
    findings.Add(verdict.fanotify_status,
                 "The kernel configuration was not found (tried " + Join(facts.config_tried, ", ") +
                     "), so fanotify support, which real-time protection needs, could not be "
                     "verified.",
                 "Confirm the kernel has CONFIG_FANOTIFY=y and "
                 "CONFIG_FANOTIFY_ACCESS_PERMISSIONS=y (grep FANOTIFY /boot/config-$(uname -r)).");
    return;
  }
  evidence["config_path"] = facts.config_path;
  evidence["config_fanotify"] = facts.config_fanotify;
  evidence["config_fanotify_access_permissions"] = facts.config_permissions;
  if (verdict.fanotify == FanotifyFinding::kMissing) {
    findings.Add(verdict.fanotify_status,
                 "The kernel is built without fanotify (CONFIG_FANOTIFY is " +
                     facts.config_fanotify + " in " + facts.config_path +
                     "), so MDE real-time protection cannot work.",
                 "Boot a kernel built with CONFIG_FANOTIFY=y, as the distribution kernels on "
                 "Microsoft's supported list are.");
  } else if (verdict.fanotify == FanotifyFinding::kNoPermissionEvents) {
    // Wording of mde_installer.sh v1.2.1 --pre-req.
    findings.Add(verdict.fanotify_status,
                 "Fanotify can't run in blocking mode: CONFIG_FANOTIFY_ACCESS_PERMISSIONS is " +
                     facts.config_permissions + " in " + facts.config_path +
                     ", so MDE can detect but not block malicious files on access.",
                 "Boot a kernel built with CONFIG_FANOTIFY_ACCESS_PERMISSIONS=y for on-access "
                 "blocking.");
  }
}

void WordEbpf(const KernelFacts& facts, const EbpfVerdict& ebpf, Findings& findings,
              nlohmann::json& evidence) {
  evidence["ebpf_minimum_kernel"] = ebpf.minimum;
  evidence["ebpf_minimum_basis"] = ebpf.basis;
  evidence["ebpf_supported"] = ebpf.supported;
  if (!ebpf.supported) {
    findings.Add(Status::kWarn,
                 "Kernel " + facts.release + " is older than " + ebpf.minimum +
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

CheckResult WordKernel(const KernelFacts& facts, const KernelVerdict& verdict) {
  Findings findings;
  nlohmann::json evidence = nlohmann::json::object();
  if (!verdict.release_known) {
    evidence["tried"] = facts.release_tried;
    findings.Add(Status::kWarn,
                 "The kernel release could not be determined (tried " +
                     Join(facts.release_tried, ", ") +
                     "), so the kernel version, fanotify support and eBPF support were not "
                     "verified.",
                 "Run mde-preflight on the machine itself, or include proc/sys/kernel/osrelease "
                 "in the inspected tree.");
    return findings.Finish("", std::move(evidence));
  }
  evidence["release"] = facts.release;
  evidence["release_source"] = facts.release_source;
  evidence["minimum_kernel"] = verdict.minimum;
  if (verdict.below_minimum) {
    findings.Add(Status::kFail,
                 "Kernel " + facts.release + " is older than " + verdict.minimum +
                     ", the oldest kernel MDE on Linux supports.",
                 "Update to a kernel at " + verdict.minimum +
                     " or later (for RHEL/CentOS 7: 7.2 or later).");
  }
  WordFanotify(facts, verdict, findings, evidence);
  if (verdict.ebpf) WordEbpf(facts, *verdict.ebpf, findings, evidence);
  CheckResult result = findings.Finish(
      "Kernel " + facts.release + " meets MDE's minimum (" + verdict.minimum +
          "), has fanotify with permission events (blocking mode), and is new enough for MDE's "
          "eBPF event provider.",
      std::move(evidence));
  result.report = {{"host", {{"kernel", facts.release}}}};
  return result;
}

}  // namespace

KernelVerdict EvaluateKernel(const LinuxSupport* support, const KernelFacts& facts) {
  KernelVerdict verdict;
  verdict.release_known = !facts.release.empty();
  if (!verdict.release_known) return verdict;
  verdict.minimum = support != nullptr ? support->minimum_kernel : kDocumentedMinimumKernel;
  verdict.below_minimum = CompareVersions(facts.release, verdict.minimum) < 0;
  if (facts.config_path.empty()) {
    verdict.fanotify = FanotifyFinding::kUnknown;
    verdict.fanotify_status = Status::kWarn;
  } else if (facts.config_fanotify != "y") {
    verdict.fanotify = FanotifyFinding::kMissing;
    verdict.fanotify_status = Status::kFail;
  } else if (facts.config_permissions != "y") {
    verdict.fanotify = FanotifyFinding::kNoPermissionEvents;
    verdict.fanotify_status = Status::kWarn;
  } else {
    verdict.fanotify = FanotifyFinding::kBlocking;
  }
  if (support != nullptr) {
    verdict.ebpf = EvaluateEbpf(*support, facts.os_id, facts.os_version_id, facts.release);
  }
  return verdict;
}

CheckResult KernelCheck::Run(const Context& ctx) const {
  const KernelFacts facts = GatherKernel(ctx);
  const Result<LinuxSupport>& data = EmbeddedLinuxSupport();
  return WordKernel(facts, EvaluateKernel(data.Ok() ? &data.Value() : nullptr, facts));
}

}  // namespace preflight

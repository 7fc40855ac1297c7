#include "probes/linux/mounts_check.h"

#include <map>
#include <string>
#include <vector>

#include "platform/file_system.h"
#include "platform/text.h"
#include "probes/common/findings.h"
#include "probes/common/tree_links.h"
#include "probes/linux/linux_support.h"
#include "probes/linux/mounts.h"

namespace preflight {
namespace {

// Each /proc/mounts line is ~100-200 bytes; a Kubernetes node with thousands of container mounts
// stays well under 4 MiB.
constexpr std::size_t kMaxMountsBytes = std::size_t{4} * 1024 * 1024;
// An fstab is a few dozen lines.
constexpr std::size_t kMaxFstabBytes = std::size_t{1024} * 1024;
// MDE's binaries (reference/linux.md 2.4, Paths); a custom install path is a symlink here
// (mde_installer.sh --install-path, 2.1).
constexpr const char* kMdePath = "/opt/microsoft/mdatp";
// WALinuxAgent Lib.Dir; Azure Arc installs extensions there too (reference/linux.md 3.1, 3.2).
constexpr const char* kWaagentPath = "/var/lib/waagent";
// Caps on what the evidence lists, so that a node with thousands of mounts stays readable.
constexpr std::size_t kMaxListedTypes = 20;
constexpr std::size_t kMaxListedMountsPerType = 5;

nlohmann::json Describe(const MountEntry& mount) {
  return {{"mount_point", mount.mount_point},
          {"device", mount.device},
          {"fs_type", mount.fs_type},
          {"noexec", HasOption(mount, "noexec")}};
}

MountsFacts GatherMounts(const Context& ctx) {
  MountsFacts facts;
  facts.live = ctx.live;
  facts.source = "/proc/mounts";
  auto text = ctx.fs.ReadFile(facts.source, kMaxMountsBytes);
  if (!text.Ok() && !ctx.live) {
    // An offline image has no /proc; its fstab says how it will be mounted at boot.
    auto fstab = ctx.fs.ReadFile("/etc/fstab", kMaxFstabBytes);
    if (fstab.Ok()) {
      facts.source = "/etc/fstab";
      text = std::move(fstab);
    }
  }
  if (!text.Ok()) {
    facts.table_error = text.Err().message;
    return facts;
  }
  facts.table_read = true;
  facts.mounts = ParseMounts(text.Value());
  facts.mde_path = ResolveInTree(ctx.fs, kMdePath);
  facts.waagent_path = ResolveInTree(ctx.fs, kWaagentPath);
  facts.opt_path = ResolveInTree(ctx.fs, "/opt");
  return facts;
}

void WordNoexec(const MountsFacts& facts, const MountsVerdict& verdict, Findings& findings) {
  if (verdict.mde_noexec) {
    const MountEntry& mount = *verdict.mde_mount;
    findings.Add(Status::kFail,
                 "The file system mounted at " + mount.mount_point + " (" + mount.device +
                     ") holds " + facts.mde_path +
                     " and is mounted noexec, so MDE's binaries (wdavdaemon) cannot run.",
                 "Remount " + mount.mount_point +
                     " without noexec (remove it from the options in /etc/fstab, then mount -o "
                     "remount,exec " +
                     mount.mount_point +
                     "), or install MDE to a custom path on a file system without noexec "
                     "(mde_installer.sh --install-path).");
  }
  if (verdict.waagent_noexec) {
    const MountEntry& mount = *verdict.waagent_mount;
    findings.Add(Status::kFail,
                 "The file system mounted at " + mount.mount_point + " (" + mount.device +
                     ") holds " + facts.waagent_path +
                     ", where the Azure VM agent and Azure Arc install extension handlers, and is "
                     "mounted noexec: every VM extension, MDE.Linux included, fails with exit code "
                     "126 (WALinuxAgent #1388).",
                 "Remount " + mount.mount_point + " without noexec, or give " +
                     std::string(kWaagentPath) + " its own file system without noexec.");
  }
}

void WordUnsupportedHolders(const LinuxSupport& support, const MountsVerdict& verdict,
                            Findings& findings) {
  if (verdict.unsupported_holders.empty()) return;
  findings.Add(Status::kWarn,
               std::string("Real-time protection does not support the file system") +
                   (verdict.unsupported_holders.size() > 1 ? "s" : "") + " holding " +
                   Join(verdict.unsupported_holders, ", ") +
                   "; files there are not scanned on "
                   "access.",
               "Keep the system and application files on a file system Microsoft supports for "
               "real-time protection (ext4, xfs, btrfs, ... — see " +
                   support.filesystems_source + ").");
}

// An image without a mount table for / (no /proc/mounts, an fstab without a / line, as
// debootstrap writes it: "# UNCONFIGURED FSTAB FOR BASE SYSTEM") leaves the mounts to the machine
// it boots on; a noexec the fstab does set is still judged.
CheckResult SkipImageMounts(const MountsFacts& facts) {
  CheckResult result;
  result.status = Status::kSkip;
  result.evidence = {{"source", facts.table_read ? nlohmann::json(facts.source) : nlohmann::json()},
                     {"mount_count", facts.mounts.size()}};
  if (!facts.table_read) result.evidence["table_error"] = facts.table_error;
  result.summary =
      std::string(facts.table_read ? "The tree's /etc/fstab names no file system for /"
                                   : "The tree has neither /proc/mounts nor /etc/fstab") +
      ", so how /, /opt and /var are mounted is decided by the machine the image boots on (its "
      "disks, cloud-init, the image builder): not a property of an image. Run the check on the "
      "booted machine.";
  return result;
}

CheckResult WordMounts(const LinuxSupport* support, const MountsFacts& facts,
                       const MountsVerdict& verdict) {
  Findings findings;
  nlohmann::json evidence = nlohmann::json::object();
  if (!facts.live && (!facts.table_read || (verdict.root_mount == nullptr && !verdict.mde_noexec &&
                                            !verdict.waagent_noexec))) {
    return SkipImageMounts(facts);
  }
  if (!facts.table_read) {
    findings.Add(Status::kWarn,
                 "The mount table could not be read (" + facts.table_error +
                     "), so noexec on /opt and /var and the file system types were not verified.",
                 "Check that the file systems holding /opt/microsoft/mdatp and /var/lib/waagent "
                 "are not mounted noexec (findmnt -T /opt -o TARGET,OPTIONS).");
    return findings.Finish("", std::move(evidence));
  }
  if (facts.source == "/etc/fstab") {
    findings.Note(
        "There is no /proc/mounts in the tree; mount options come from /etc/fstab, "
        "which says how the image will be mounted, not how it is mounted now.");
  }
  evidence["source"] = facts.source;
  evidence["mount_count"] = facts.mounts.size();
  if (facts.mde_path != kMdePath) evidence["mde_path_resolved"] = facts.mde_path;
  if (facts.waagent_path != kWaagentPath) evidence["waagent_path_resolved"] = facts.waagent_path;
  if (verdict.mde_mount) evidence["mde_mount"] = Describe(*verdict.mde_mount);
  if (verdict.waagent_mount) evidence["waagent_mount"] = Describe(*verdict.waagent_mount);
  if (verdict.root_mount) {
    evidence["root_mount"] = Describe(*verdict.root_mount);
  } else {
    findings.Note("No mount in " + facts.source +
                  " holds /, so the root file system was not checked.");
  }
  WordNoexec(facts, verdict, findings);
  if (support != nullptr && verdict.types_judged) {
    WordUnsupportedHolders(*support, verdict, findings);
    evidence["unsupported_filesystems"] = verdict.unsupported_types;
  }
  return findings.Finish("The file systems holding " + facts.mde_path + " and " +
                             facts.waagent_path +
                             " allow execution, and / and /opt are on file systems real-time "
                             "protection supports.",
                         std::move(evidence));
}

// Real file systems other than the supported ones, by type: at most kMaxListedTypes types and
// kMaxListedMountsPerType mount points each.
std::map<std::string, std::vector<std::string>> UnsupportedTypes(
    const LinuxSupport& support, const std::vector<MountEntry>& mounts) {
  std::map<std::string, std::vector<std::string>> others;
  for (const MountEntry& mount : mounts) {
    if (support.rtp_filesystems.count(mount.fs_type) != 0 || mount.fs_type == "auto" ||
        support.pseudo_filesystems.count(mount.fs_type) != 0) {
      continue;
    }
    auto it = others.find(mount.fs_type);
    if (it == others.end()) {
      if (others.size() >= kMaxListedTypes) continue;
      it = others.emplace(mount.fs_type, std::vector<std::string>()).first;
    }
    if (it->second.size() < kMaxListedMountsPerType) it->second.push_back(mount.mount_point);
  }
  return others;
}

}  // namespace

MountsVerdict EvaluateMounts(const LinuxSupport* support, const MountsFacts& facts) {
  MountsVerdict verdict;
  if (!facts.table_read) return verdict;
  verdict.mde_mount = FindMountFor(facts.mounts, facts.mde_path);
  verdict.waagent_mount = FindMountFor(facts.mounts, facts.waagent_path);
  verdict.root_mount = FindMountFor(facts.mounts, "/");
  verdict.mde_noexec = verdict.mde_mount != nullptr && HasOption(*verdict.mde_mount, "noexec");
  verdict.waagent_noexec =
      verdict.waagent_mount != nullptr && HasOption(*verdict.waagent_mount, "noexec");
  if (support == nullptr) return verdict;
  verdict.types_judged = true;
  const auto supported = [&](const MountEntry& mount) {
    return support->rtp_filesystems.count(mount.fs_type) != 0 || mount.fs_type == "auto";
  };
  const MountEntry* opt_mount = FindMountFor(facts.mounts, facts.opt_path);
  const MountEntry* root_mount = verdict.root_mount;
  if (root_mount != nullptr && !supported(*root_mount)) {
    verdict.unsupported_holders.push_back("/ (" + root_mount->fs_type + ")");
  }
  if (opt_mount != nullptr && opt_mount != root_mount && !supported(*opt_mount)) {
    verdict.unsupported_holders.push_back("/opt (" + opt_mount->fs_type + ")");
  }
  verdict.unsupported_types = UnsupportedTypes(*support, facts.mounts);
  return verdict;
}

CheckResult MountsCheck::Run(const Context& ctx) const {
  const MountsFacts facts = GatherMounts(ctx);
  const Result<LinuxSupport>& data = EmbeddedLinuxSupport();
  const LinuxSupport* support = data.Ok() ? &data.Value() : nullptr;
  return WordMounts(support, facts, EvaluateMounts(support, facts));
}

}  // namespace preflight

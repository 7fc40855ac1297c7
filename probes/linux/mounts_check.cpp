#include "probes/linux/mounts_check.h"

#include <map>
#include <string>
#include <vector>

#include "platform/file_system.h"
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

}  // namespace

CheckResult MountsCheck::Run(const Context& ctx) const {
  Findings findings;
  nlohmann::json evidence = nlohmann::json::object();

  std::string source = "/proc/mounts";
  auto text = ctx.fs.ReadFile(source, kMaxMountsBytes);
  if (!text.Ok() && !ctx.live) {
    // An offline image has no /proc; its fstab says how it will be mounted at boot.
    auto fstab = ctx.fs.ReadFile("/etc/fstab", kMaxFstabBytes);
    if (fstab.Ok()) {
      source = "/etc/fstab";
      text = std::move(fstab);
      findings.Note(
          "There is no /proc/mounts in the tree; mount options come from /etc/fstab, "
          "which says how the image will be mounted, not how it is mounted now.");
    }
  }
  if (!text.Ok()) {
    findings.Add(Status::kWarn,
                 "The mount table could not be read (" + text.Err().message +
                     "), so noexec on /opt and /var and the file system types were not verified.",
                 "Check that the file systems holding /opt/microsoft/mdatp and /var/lib/waagent "
                 "are not mounted noexec (findmnt -T /opt -o TARGET,OPTIONS).");
    return findings.Finish("", std::move(evidence));
  }
  const std::vector<MountEntry> mounts = ParseMounts(text.Value());
  evidence["source"] = source;
  evidence["mount_count"] = mounts.size();

  const std::string mde_path = ResolveInTree(ctx.fs, kMdePath);
  const std::string waagent_path = ResolveInTree(ctx.fs, kWaagentPath);
  if (mde_path != kMdePath) evidence["mde_path_resolved"] = mde_path;
  if (waagent_path != kWaagentPath) evidence["waagent_path_resolved"] = waagent_path;

  const MountEntry* mde_mount = FindMountFor(mounts, mde_path);
  const MountEntry* waagent_mount = FindMountFor(mounts, waagent_path);
  const MountEntry* root_mount = FindMountFor(mounts, "/");
  const MountEntry* opt_mount = FindMountFor(mounts, ResolveInTree(ctx.fs, "/opt"));
  if (mde_mount) evidence["mde_mount"] = Describe(*mde_mount);
  if (waagent_mount) evidence["waagent_mount"] = Describe(*waagent_mount);
  if (root_mount) evidence["root_mount"] = Describe(*root_mount);
  if (!root_mount) {
    findings.Note("No mount in " + source + " holds /, so the root file system was not checked.");
  }

  if (mde_mount && HasOption(*mde_mount, "noexec")) {
    findings.Add(Status::kFail,
                 "The file system mounted at " + mde_mount->mount_point + " (" + mde_mount->device +
                     ") holds " + mde_path +
                     " and is mounted noexec, so MDE's binaries "
                     "(wdavdaemon) cannot run.",
                 "Remount " + mde_mount->mount_point +
                     " without noexec (remove it from the "
                     "options in /etc/fstab, then mount -o remount,exec " +
                     mde_mount->mount_point +
                     "), or install MDE to a custom path on a file system without noexec "
                     "(mde_installer.sh --install-path).");
  }
  if (waagent_mount && HasOption(*waagent_mount, "noexec")) {
    findings.Add(Status::kFail,
                 "The file system mounted at " + waagent_mount->mount_point + " (" +
                     waagent_mount->device + ") holds " + waagent_path +
                     ", where the Azure VM agent and Azure Arc install extension handlers, and is "
                     "mounted noexec: every VM extension, MDE.Linux included, fails with exit code "
                     "126 (WALinuxAgent #1388).",
                 "Remount " + waagent_mount->mount_point + " without noexec, or give " +
                     std::string(kWaagentPath) + " its own file system without noexec.");
  }

  const Result<LinuxSupport>& data = EmbeddedLinuxSupport();
  if (data.Ok()) {
    const LinuxSupport& support = data.Value();
    const auto supported = [&](const MountEntry& mount) {
      return support.rtp_filesystems.count(mount.fs_type) != 0 || mount.fs_type == "auto";
    };
    std::vector<std::string> unsupported_holders;
    if (root_mount && !supported(*root_mount)) {
      unsupported_holders.push_back("/ (" + root_mount->fs_type + ")");
    }
    if (opt_mount && opt_mount != root_mount && !supported(*opt_mount)) {
      unsupported_holders.push_back("/opt (" + opt_mount->fs_type + ")");
    }
    if (!unsupported_holders.empty()) {
      std::string list;
      for (const std::string& item : unsupported_holders) list += (list.empty() ? "" : ", ") + item;
      findings.Add(Status::kWarn,
                   std::string("Real-time protection does not support the file system") +
                       (unsupported_holders.size() > 1 ? "s" : "") + " holding " + list +
                       "; files there are not scanned on access.",
                   "Keep the system and application files on a file system Microsoft supports "
                   "for real-time protection (ext4, xfs, btrfs, ... — see " +
                       support.filesystems_source + ").");
    }
    std::map<std::string, std::vector<std::string>> others;
    for (const MountEntry& mount : mounts) {
      if (supported(mount) || support.pseudo_filesystems.count(mount.fs_type) != 0) continue;
      auto it = others.find(mount.fs_type);
      if (it == others.end()) {
        if (others.size() >= kMaxListedTypes) continue;
        it = others.emplace(mount.fs_type, std::vector<std::string>()).first;
      }
      if (it->second.size() < kMaxListedMountsPerType) it->second.push_back(mount.mount_point);
    }
    evidence["unsupported_filesystems"] = others;
  }

  return findings.Finish("The file systems holding " + mde_path + " and " + waagent_path +
                             " allow execution, and / and /opt are on file systems real-time "
                             "protection supports.",
                         std::move(evidence));
}

}  // namespace preflight

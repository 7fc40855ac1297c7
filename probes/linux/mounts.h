#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace preflight {

struct MountEntry {
  std::string device;
  std::string mount_point;
  std::string fs_type;
  std::vector<std::string> options;
};

// Parses /proc/mounts (fs/proc_namespace.c show_vfsmnt) or /etc/fstab (fstab(5)): the first four
// whitespace-separated fields of each line, with the kernel's octal escapes undone (\040 space,
// \011 tab, \012 newline, \134 backslash). Comment lines and lines with fewer than four fields are
// skipped. Pure; never throws.
std::vector<MountEntry> ParseMounts(std::string_view text);

// The mount that holds `path` (absolute, normalised): the longest mount point that is `path` or a
// parent directory of it; on equal mount points the later entry, which is mounted over the earlier.
// nullptr when none does. Pure.
const MountEntry* FindMountFor(const std::vector<MountEntry>& mounts, std::string_view path);

bool HasOption(const MountEntry& mount, std::string_view option);

}  // namespace preflight

#pragma once

#include <map>
#include <string>
#include <vector>

#include "probes/check.h"
#include "probes/linux/linux_support.h"
#include "probes/linux/mounts.h"

namespace preflight {

// What linux.mounts reads, as plain data.
struct MountsFacts {
  bool live = true;  // the running machine; false for a --root tree
  bool table_read = false;
  std::string table_error;  // why no mount table could be read
  std::string source;       // "/proc/mounts", or "/etc/fstab" for an offline image without /proc
  std::vector<MountEntry> mounts;
  std::string mde_path;      // /opt/microsoft/mdatp, links followed inside the tree
  std::string waagent_path;  // /var/lib/waagent, the same way
  std::string opt_path;      // /opt, the same way
};

struct MountsVerdict {
  // The mounts that hold each path; null when none does. They point into MountsFacts::mounts.
  const MountEntry* mde_mount = nullptr;
  const MountEntry* waagent_mount = nullptr;
  const MountEntry* root_mount = nullptr;
  bool mde_noexec = false;                       // MDE's binaries cannot run
  bool waagent_noexec = false;                   // no VM extension handler can run
  bool types_judged = false;                     // false when the support table is not available
  std::vector<std::string> unsupported_holders;  // "/ (zfs)", "/opt (zfs)"
  // Other real file systems real-time protection does not cover: type -> some mount points.
  std::map<std::string, std::vector<std::string>> unsupported_types;
};

// noexec where MDE and the extension handlers live, and file systems real-time protection does
// not support; `support` is null when the built-in table could not be read. The verdict points
// into `facts`, which must outlive it. Pure.
MountsVerdict EvaluateMounts(const LinuxSupport* support, const MountsFacts& facts);

// linux.mounts: noexec on the file systems that hold MDE's binaries and the VM extension handlers,
// and file systems real-time protection does not support (reference/linux.md 2.4, 3.1, 4.8).
class MountsCheck final : public Check {
 public:
  CheckResult Run(const Context& ctx) const override;
};

}  // namespace preflight

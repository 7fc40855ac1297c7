#pragma once

#include <optional>
#include <string>
#include <vector>

#include "probes/check.h"
#include "probes/linux/kernel_support.h"
#include "probes/linux/linux_support.h"

namespace preflight {

// What linux.kernel reads, as plain data.
struct KernelFacts {
  std::string release;  // empty when unknown
  std::string release_source;
  std::vector<std::string> release_tried;
  std::string config_path;         // the configuration read; empty when none could be
  std::string config_fanotify;     // CONFIG_FANOTIFY: "y", "m", "n" (unset) or "absent"
  std::string config_permissions;  // CONFIG_FANOTIFY_ACCESS_PERMISSIONS, the same way
  std::vector<std::string> config_tried;
  std::vector<std::string> config_errors;
  std::string os_id;  // os-release ID and VERSION_ID, for the eBPF minimum; empty when unknown
  std::string os_version_id;
};

enum class FanotifyFinding {
  kUnknown,             // no kernel configuration could be read
  kMissing,             // CONFIG_FANOTIFY is not y: no real-time protection
  kNoPermissionEvents,  // no CONFIG_FANOTIFY_ACCESS_PERMISSIONS: detect, but not block
  kBlocking,            // both y
};

struct KernelVerdict {
  bool release_known = false;
  std::string minimum;  // the oldest kernel MDE supports
  bool below_minimum = false;
  FanotifyFinding fanotify = FanotifyFinding::kUnknown;
  Status fanotify_status = Status::kPass;
  std::optional<EbpfVerdict> ebpf;  // nullopt when the support table is not available
};

// The kernel against MDE's minimum, fanotify in its configuration and the eBPF event provider's
// minimum; `support` is null when the built-in table could not be read. Pure.
KernelVerdict EvaluateKernel(const LinuxSupport* support, const KernelFacts& facts);

// linux.kernel: kernel release against MDE's minimum, fanotify in the kernel configuration, and
// the minimum kernel for the eBPF event provider (reference/linux.md 2.2, 2.4).
class KernelCheck final : public Check {
 public:
  CheckResult Run(const Context& ctx) const override;
};

}  // namespace preflight

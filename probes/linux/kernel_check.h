#pragma once

#include "probes/check.h"

namespace preflight {

// linux.kernel: kernel release against MDE's minimum, fanotify in the kernel configuration, and
// the minimum kernel for the eBPF event provider (reference/linux.md 2.2, 2.4).
class KernelCheck final : public Check {
 public:
  std::string_view Id() const override { return "linux.kernel"; }
  std::string_view Title() const override { return "Kernel version and fanotify support"; }
  CheckResult Run(const Context& ctx) const override;
};

}  // namespace preflight

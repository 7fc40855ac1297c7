#pragma once

#include "probes/check.h"

namespace preflight {

// linux.kernel: kernel release against MDE's minimum, fanotify in the kernel configuration, and
// the minimum kernel for the eBPF event provider (reference/linux.md 2.2, 2.4).
class KernelCheck final : public Check {
 public:
  CheckResult Run(const Context& ctx) const override;
};

}  // namespace preflight

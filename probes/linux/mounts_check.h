#pragma once

#include "probes/check.h"

namespace preflight {

// linux.mounts: noexec on the file systems that hold MDE's binaries and the VM extension handlers,
// and file systems real-time protection does not support (reference/linux.md 2.4, 3.1, 4.8).
class MountsCheck final : public Check {
 public:
  CheckResult Run(const Context& ctx) const override;
};

}  // namespace preflight

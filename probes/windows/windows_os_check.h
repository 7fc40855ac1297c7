#pragma once

#include "probes/check.h"

namespace preflight {

// windows.os: the Windows product, build, edition and installation type, and whether Defender for
// Cloud can onboard it to MDE (reference/windows.md §2).
class WindowsOsCheck final : public Check {
 public:
  CheckResult Run(const Context& ctx) const override;
};

}  // namespace preflight

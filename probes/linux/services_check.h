#pragma once

#include "probes/check.h"

namespace preflight {

// linux.services: systemd as init (MDE on Linux requires it) and a Python interpreter (the
// MDE.Linux VM extension requires one; reference/linux.md 1.5, 2.4, 4.6).
class ServicesCheck final : public Check {
 public:
  CheckResult Run(const Context& ctx) const override;
};

}  // namespace preflight

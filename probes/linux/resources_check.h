#pragma once

#include "probes/check.h"

namespace preflight {

// linux.resources: memory, free disk space for /opt, CPU count and glibc version against MDE's
// minimums (reference/linux.md 2.2 and 2.4).
class ResourcesCheck final : public Check {
 public:
  CheckResult Run(const Context& ctx) const override;
};

}  // namespace preflight

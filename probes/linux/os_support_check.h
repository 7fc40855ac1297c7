#pragma once

#include "probes/check.h"

namespace preflight {

// linux.os: the distribution, its version and the CPU architecture against Microsoft's supported
// distribution table (probes/data/linux_support.json; reference/linux.md 2.4).
class OsSupportCheck final : public Check {
 public:
  CheckResult Run(const Context& ctx) const override;
};

}  // namespace preflight

#pragma once

#include "probes/check.h"

namespace preflight {

// azure.plan: Defender for Servers (pricings/VirtualMachines) at the subscription and at the
// machine's own scope. Free -> fail: Defender for Cloud will not deploy MDE automatically.
// Fills cloud.pricing_tier and cloud.sub_plan.
class PlanCheck final : public Check {
 public:
  CheckResult Run(const Context& ctx) const override;
};

}  // namespace preflight

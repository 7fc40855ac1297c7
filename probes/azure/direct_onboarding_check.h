#pragma once

#include "probes/check.h"

namespace preflight {

// azure.direct_onboarding: for a server outside Azure (environment kind "other") only: whether
// the configured designated subscription carries the pricing extension MdeDesignatedSubscription
// (isEnabled "True"), which is how the agent infers that direct onboarding is on for it
// (reference/azure.md section 4d; there is no public API for the toggle itself). Fills
// cloud.direct_onboarding_designated.
class DirectOnboardingCheck final : public Check {
 public:
  CheckResult Run(const Context& ctx) const override;
};

}  // namespace preflight

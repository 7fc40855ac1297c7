#pragma once

#include "probes/check.h"

namespace preflight {

// mde.install on Windows: is the Sense sensor installed, onboarded (Status!OnboardingState) and
// healthy (running, connected lately); the unified agent on 2012 R2 / 2016, the legacy MMA path.
// Fills the report's `mde` section; decided and worded as on Linux (probes/common/mde_install.h).
class WindowsMdeInstallCheck final : public Check {
 public:
  CheckResult Run(const Context& ctx) const override;
};

}  // namespace preflight

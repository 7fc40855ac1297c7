#pragma once

#include "probes/check.h"

namespace preflight {

// mde.install on Windows: is the Sense sensor installed, onboarded (Status!OnboardingState) and
// healthy (running, connected lately); the unified agent on 2012 R2 / 2016, the legacy MMA path.
// Fills the report's `mde` section; decided and worded as on Linux (probes/common/mde_install.h).
class WindowsMdeInstallCheck final : public Check {
 public:
  std::string_view Id() const override { return "mde.install"; }
  std::string_view Title() const override { return "Microsoft Defender for Endpoint installation"; }
  CheckResult Run(const Context& ctx) const override;
};

}  // namespace preflight

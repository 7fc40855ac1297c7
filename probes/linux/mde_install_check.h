#pragma once

#include "probes/check.h"

namespace preflight {

// mde.install: is MDE installed, onboarded and healthy on this machine (dpkg/rpm, the mdatp CLI,
// `mdatp health`, the onboarding file). Fills the report's `mde` section.
class MdeInstallCheck final : public Check {
 public:
  CheckResult Run(const Context& ctx) const override;
};

}  // namespace preflight

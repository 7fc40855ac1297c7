#pragma once

#include "probes/check.h"

namespace preflight {

// mde.install: is MDE installed, onboarded and healthy on this machine (dpkg/rpm, the mdatp CLI,
// `mdatp health`, the onboarding file, the mdatp service). Fills the report's `mde` section;
// decided and worded as on Windows (probes/common/mde_install.h).
class MdeInstallCheck final : public Check {
 public:
  CheckResult Run(const Context& ctx) const override;
};

}  // namespace preflight

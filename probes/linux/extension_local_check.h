#pragma once

#include "probes/check.h"

namespace preflight {

// azure.extension.local: what the MDE.Linux VM extension left on this machine (handler state,
// status file, installer log), on Azure VMs and Arc-enabled servers alike. Fills `extensions[]`.
class ExtensionLocalCheck final : public Check {
 public:
  CheckResult Run(const Context& ctx) const override;
};

}  // namespace preflight

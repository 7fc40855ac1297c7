#pragma once

#include "probes/check.h"

namespace preflight {

// azure.extension: the MDE.Linux / MDE.Windows extension as ARM sees it (Compute shape on an
// Azure VM, HybridCompute shape on an Arc machine), compared with what the extension left on the
// machine. Failed -> fail, explained by the installer's exit code when the message carries one;
// absent -> warn, or fail when the plan is Free (nothing will deploy it). Fills
// cloud.extension_provisioning_state.
class ExtensionCheck final : public Check {
 public:
  CheckResult Run(const Context& ctx) const override;
};

}  // namespace preflight

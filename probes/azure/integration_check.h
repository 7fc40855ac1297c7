#pragma once

#include "probes/check.h"

namespace preflight {

// azure.integration: the subscription's WDATP setting (Defender for Cloud's "Endpoint protection"
// toggle) and, where they matter, the legacy WDATP_EXCLUDE_LINUX_PUBLIC_PREVIEW (Linux) and
// WDATP_UNIFIED_SOLUTION (Windows Server 2012 R2 / 2016). WDATP off -> fail. Fills
// cloud.mde_integration_enabled.
class IntegrationCheck final : public Check {
 public:
  CheckResult Run(const Context& ctx) const override;
};

// Windows Server 2012 R2 (kernel 6.3) and 2016 (build 14393), from a "major.minor.build" release
// string: the servers WDATP_UNIFIED_SOLUTION concerns (azure.md section 4b).
bool IsLegacyWindowsServer(std::string_view release);

}  // namespace preflight

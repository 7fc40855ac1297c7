#pragma once

#include <optional>
#include <string_view>

#include "probes/azure/cloud_check.h"

namespace preflight {

// What azure.integration learned from the subscription's settings (2022-05-01).
struct IntegrationFacts {
  std::optional<bool> wdatp;           // WDATP: Defender for Cloud's "Endpoint protection"
  std::optional<bool> exclude_linux;   // WDATP_EXCLUDE_LINUX_PUBLIC_PREVIEW (inverted name)
  std::optional<bool> unified;         // WDATP_UNIFIED_SOLUTION
  bool windows = false;                // the machine runs Windows
  bool legacy_windows_server = false;  // Windows Server 2012 R2 or 2016
};

struct IntegrationDecision {
  enum class Wdatp { kUnknown, kOff, kOn };
  Wdatp wdatp = Wdatp::kUnknown;  // kUnknown warns, kOff fails, kOn passes
  bool linux_excluded = false;    // fail: WDATP on, but Linux excluded (legacy subscriptions)
  bool unified_missing = false;   // warn: 2012 R2 / 2016 without the unified solution
};

IntegrationDecision DecideIntegration(const IntegrationFacts& facts);

// azure.integration: the subscription's WDATP setting (Defender for Cloud's "Endpoint protection"
// toggle) and, where they matter, the legacy WDATP_EXCLUDE_LINUX_PUBLIC_PREVIEW (Linux) and
// WDATP_UNIFIED_SOLUTION (Windows Server 2012 R2 / 2016). WDATP off -> fail. Fills
// cloud.mde_integration_enabled.
class IntegrationCheck final : public cloud::CloudCheck {
 private:
  std::string_view Subject() const override { return "the Defender for Endpoint integration"; }
  std::string_view Fallback() const override {
    return "The Defender for Endpoint integration setting was read.";
  }
  std::optional<CheckResult> Unprepared(const Context& ctx) const override;
  void Examine(cloud::CloudRun& run) const override;
};

// Windows Server 2012 R2 (kernel 6.3) and 2016 (build 14393), from a "major.minor.build" release
// string: the servers WDATP_UNIFIED_SOLUTION concerns (azure.md section 4b).
bool IsLegacyWindowsServer(std::string_view release);

}  // namespace preflight

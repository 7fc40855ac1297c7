#pragma once

#include "probes/check.h"

namespace preflight {

// windows.prerequisites: what MDE's installer and Sense need from the system: the 2012 R2 / 2016
// update chain, no pending reboot, TLS 1.2, and the WinHTTP / telemetry proxy Sense will use.
class PrerequisitesCheck final : public Check {
 public:
  CheckResult Run(const Context& ctx) const override;
};

}  // namespace preflight

#pragma once

#include "probes/check.h"

namespace preflight {

// windows.defender_av: Microsoft Defender Antivirus (WinDefend) state, its mode (active, passive,
// forced passive) and the policies that stop Defender or Sense (DisableAntiSpyware, ...).
class DefenderAvCheck final : public Check {
 public:
  CheckResult Run(const Context& ctx) const override;
};

}  // namespace preflight

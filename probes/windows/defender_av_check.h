#pragma once

#include "probes/check.h"

namespace preflight {

// windows.defender_av: Microsoft Defender Antivirus (WinDefend) state, its mode (active, passive,
// forced passive) and the policies that stop Defender or Sense (DisableAntiSpyware, ...).
class DefenderAvCheck final : public Check {
 public:
  std::string_view Id() const override { return "windows.defender_av"; }
  std::string_view Title() const override { return "Microsoft Defender Antivirus"; }
  CheckResult Run(const Context& ctx) const override;
};

}  // namespace preflight

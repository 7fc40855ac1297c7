#pragma once

#include "probes/check.h"

namespace preflight {

// linux.services: systemd as init (MDE on Linux requires it) and a Python interpreter (the
// MDE.Linux VM extension requires one; reference/linux.md 1.5, 2.4, 4.6).
class ServicesCheck final : public Check {
 public:
  std::string_view Id() const override { return "linux.services"; }
  std::string_view Title() const override {
    return "systemd and Python for the MDE.Linux extension";
  }
  CheckResult Run(const Context& ctx) const override;
};

}  // namespace preflight

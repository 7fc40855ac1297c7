#pragma once

#include <memory>
#include <string_view>

#include "probes/check.h"

namespace preflight {

// linux.fanotify: which programs hold fanotify groups, and would any of them block file access
// next to MDE (reference/linux.md §0, §1). Fails on blocking groups of other programs and on the
// services mde_installer.sh refuses to install next to; fapolicyd is judged by distro and MDE
// health; notification-only users are reported without failing.
class FanotifyCheck final : public Check {
 public:
  CheckResult Run(const Context& ctx) const override;
};

std::unique_ptr<Check> MakeFanotifyCheck();

}  // namespace preflight

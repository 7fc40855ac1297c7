#pragma once

#include "probes/check.h"

namespace preflight {

// azure.extension.local on Windows: what the MDE.Windows extension left on this machine, on Azure
// VMs (C:\Packages\Plugins\..., C:\WindowsAzure\Logs\Plugins\...) and Arc-enabled servers
// (C:\ProgramData\GuestConfig\extension_logs\...). Reads files only, through ctx.fs (whose root is
// the system drive). Fills `extensions[]`, as the Linux check of the same id does.
class WindowsExtensionLocalCheck final : public Check {
 public:
  CheckResult Run(const Context& ctx) const override;
};

}  // namespace preflight

#pragma once

#include "probes/check.h"

namespace preflight {

// Facts several checks share, each gathered once per run (HostFacts) by this OS's reader.

// The distro of the inspected tree (/etc/os-release, then /usr/lib/os-release).
const OsRelease& OsReleaseOf(const Context& ctx);

// MDE's state on this machine (on a live Linux host this runs `mdatp health`):
// probes/linux/mde_state_linux.h, probes/windows/mde_state_windows.h.
const MdeState& MdeStateOf(const Context& ctx);

// The MDE VM extension as it lies on this machine: probes/linux/local_extension_linux.h,
// probes/windows/local_extension_windows.h.
const LocalExtension& LocalMdeExtensionOf(const Context& ctx);

// The same extension in the terms the cloud checks compare with ARM.
const LocalExtensionView& LocalExtensionOf(const Context& ctx);

}  // namespace preflight

#pragma once

#include "probes/check.h"

namespace preflight {

// The distro of the inspected tree (/etc/os-release, then /usr/lib/os-release), read once per run.
const OsRelease& OsReleaseOf(const Context& ctx);

// MDE's state on this machine, gathered once per run (runs `mdatp health` on a live Linux host).
const MdeState& MdeStateOf(const Context& ctx);

// The MDE extension's local state as the cloud checks compare it, read once per run.
const LocalExtensionView& LocalExtensionOf(const Context& ctx);

// Platform-specific body behind LocalExtensionOf (probes/linux/local_extension_view_linux.cpp).
LocalExtensionView ReadLocalExtensionView(const Context& ctx);

// Platform-specific body behind MdeStateOf (probes/linux/mde_state_linux.cpp, ...).
MdeState ReadMdeState(const Context& ctx);

}  // namespace preflight

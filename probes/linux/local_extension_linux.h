#pragma once

#include "probes/check.h"
#include "probes/common/local_extension.h"

namespace preflight {

// The MDE.Linux VM extension as the Linux guest agent (WALinuxAgent, or Arc's extension manager)
// left it: the newest handler directory under /var/lib/waagent, its HandlerState, its newest
// status file and the installer log. Files only: works the same under --root.
LocalExtension ReadLinuxMdeExtension(const Context& ctx);

}  // namespace preflight

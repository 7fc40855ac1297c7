#pragma once

#include "probes/check.h"
#include "probes/common/local_extension.h"

namespace preflight {

// The MDE.Windows VM extension as the Windows guest agent (or Arc, which installs to the same
// folder) left it: the newest C:\Packages\Plugins\<handler>\<version>, its newest Status\N.status
// against RuntimeSettings\N.settings, and the handler log in C:\WindowsAzure\Logs\Plugins or Arc's
// C:\ProgramData\GuestConfig\extension_logs (reference/windows.md §4). Files only, through ctx.fs,
// whose root is the system drive; paths are reported as the host names them.
LocalExtension ReadWindowsMdeExtension(const Context& ctx);

}  // namespace preflight

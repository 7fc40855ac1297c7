#pragma once

#include <string>
#include <vector>

#include "probes/check.h"
#include "probes/common/extension_status.h"
#include "probes/common/mde_installer_log.h"

namespace preflight {

// The MDE.Linux VM extension as the guest agent left it on disk.
struct LocalExtension {
  bool found = false;
  std::string handler_dir;  // /var/lib/waagent/Microsoft.Azure.AzureDefenderForServers.MDE.Linux-V
  std::string version;      // "1.0.9.0", the newest handler directory
  std::vector<std::string> other_versions;
  std::string source;           // "arc" when the Connected Machine agent is present, else "waagent"
  std::string handler_state;    // config/HandlerState: NotInstalled|Installed|Enabled|FailedUpgrade
  std::string status_path;      // the status file read; empty when none
  bool status_missing = false;  // no status file for the newest settings yet (agent: transitioning)
  ExtensionStatus status;
  std::string log_path;  // the installer log read; empty when none
  InstallerLogSummary installer;
  std::vector<std::string> notes;  // what could not be read, and why
};

// Scans /var/lib/waagent for the newest MDE.Linux handler directory and reads its state, status
// file and the installer log. Files only: works the same under --root.
LocalExtension ReadLocalMdeExtension(const Context& ctx);

}  // namespace preflight

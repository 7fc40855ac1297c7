#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace preflight {

// The outcome of the last mde_installer.sh run found in its log (MdeInstallerLog.log).
struct InstallerLogSummary {
  bool found_run = false;        // at least one installer line was recognised
  std::string script_version;    // "0.8.4", from the last "--- mde_installer.sh vX ---"
  std::optional<int> exit_code;  // last "[*] exiting (N)" of the last run
  std::string last_error;        // last "[x] ..." message of the last run, without the prefix
};

// Lines are "<YYYY-MM-DDTHH:MM:SS> <LEVEL> <msg>" when written with --log-path, or bare "<msg>"
// when stdout is captured; messages start with [v] ok, [x] error, [!] warning, [i] info, [>] step,
// and script_exit ends with "[*] exiting (N)" (mdatp-xplat linux/installation/mde_installer.sh
// _log, script_exit). Each run starts with "--- mde_installer.sh vX ---" and resets the summary, so
// a log holding several runs reports the last. Never throws.
InstallerLogSummary ParseInstallerLog(std::string_view text);

// What an mde_installer.sh exit code means (reference linux.md section 2.3).
struct ExitCodeInfo {
  int code = 0;
  const char* name = "";         // "CONFLICTING_APPS"
  const char* meaning = "";      // a sentence fragment an admin understands
  const char* remediation = "";  // what to do; empty when nothing is to be done
};

// nullptr for a code the installer does not define.
const ExitCodeInfo* InstallerExitCode(int code);

// Exit codes of the MDE.Linux extension handler itself (not the installer), as the WALinuxAgent
// reports them: 52 missing dependency (Python), 51 unsupported OS, 126 not executable (noexec).
// nullptr when unknown.
const ExitCodeInfo* ExtensionExitCode(int code);

// The handler exit code in an agent or portal message: "Non-zero exit code: 52, ..."
// (WALinuxAgent azurelinuxagent/ga/extensionprocessutil.py) or "non-zero exit code for Install: 52"
// (Azure portal wording, azure-docs issue #102162).
std::optional<int> ExtensionExitCodeFromMessage(std::string_view message);

}  // namespace preflight

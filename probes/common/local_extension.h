#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "platform/file_system.h"
#include "probes/common/extension_status.h"
#include "probes/common/local_extension_view.h"
#include "probes/common/mde_installer_log.h"

namespace preflight {

// The MDE VM extension (MDE.Linux, MDE.Windows) as the machine's guest agent left it on disk: the
// same facts on both OSes, gathered from each OS's folders (probes/linux/local_extension_linux.h,
// probes/windows/local_extension_windows.h). Paths are named the way the report shows them.
struct LocalExtension {
  std::string name;        // "MDE.Linux", "MDE.Windows"
  bool found = false;      // a handler directory exists
  std::string unreadable;  // why the extension folders could not be listed; empty when they could
  std::string path;        // the newest handler directory
  std::string version;     // "1.0.9.0"
  std::vector<std::string> other_versions;  // older handler directories, oldest first
  std::string source;                       // "waagent", or "arc" on an Arc-enabled server
  // The guest agent's handler state (NotInstalled|Installed|Enabled|FailedUpgrade); empty where
  // the agent keeps none on disk (Windows keeps it in the registry).
  std::string handler_state;
  std::string status_path;      // the status file read; empty when none
  bool status_missing = false;  // no status file for the newest settings yet (transitioning)
  ExtensionStatus status;
  std::optional<std::int64_t> code;  // the status file's code, else the one the extension logged
  // The extension handler's own exit code and what it means, when the OS's table knows it.
  const ExitCodeInfo* handler_exit = nullptr;
  std::string log_name;   // "installer log", "handler log": the extension's own log, in words
  std::string log_path;   // that log; empty when none was found
  std::string log_error;  // its last error line
  InstallerLogSummary installer;   // mde_installer.sh's last run (MDE.Linux)
  std::string agent_log;           // the guest agent's log, for what the extension's does not say
  std::vector<std::string> notes;  // what could not be read, and why
};

// What the cloud-side azure.extension compares with ARM.
LocalExtensionView ViewOf(const LocalExtension& ext);

// ---- Gathering, shared by the OS readers. Files only, through the injected FileSystem. ----

// A handler directory holds a few versions; settings and status folders one file per sequence
// number the agent kept.
inline constexpr std::size_t kMaxExtensionDirEntries = 1024;
// The extension's log grows across runs; its last 256 KiB hold the end of the last run.
inline constexpr std::size_t kMaxExtensionLogTail = std::size_t{256} * 1024;

// "1.0.9.0" -> true: dot-separated decimal numbers, as handler versions are written.
bool IsHandlerVersion(std::string_view text);

// The entries of `listing` that are directories named `prefix` + a handler version: the newest
// version, and the others oldest first. `newest` is empty when there is none.
struct HandlerVersions {
  std::string newest;
  std::vector<std::string> others;
};
HandlerVersions FindHandlerVersions(const DirListing& listing, std::string_view prefix);

// The sequence number of "<seq><suffix>" or "<extName>.<seq><suffix>" (multi-config), the suffix
// compared case-insensitively; nullopt for any other name.
std::optional<std::uint32_t> SequenceOf(std::string_view name, std::string_view suffix);

// Reads the status file the guest agent would report: the newest "<seq>.status" in status_dir,
// unless settings_dir holds newer settings, which the agent reports as transitioning (WALinuxAgent
// exthandlers.py collect_ext_status). Fills status_path (as named in the tree), status_missing and
// status.
void ReadNewestStatus(const FileSystem& fs, const std::string& settings_dir,
                      const std::string& status_dir, LocalExtension& ext);

// The newest (by modification time) of the candidates that is a regular file; empty when none is.
std::string NewestRegularFile(const FileSystem& fs, const std::vector<std::string>& candidates);

// The last kMaxExtensionLogTail bytes of the log at `path`; nullopt, with a note, when unreadable.
std::optional<std::string> ReadExtensionLog(const FileSystem& fs, const std::string& path,
                                            std::vector<std::string>& notes);

}  // namespace preflight

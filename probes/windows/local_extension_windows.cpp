#include "probes/windows/local_extension_windows.h"

#include <string>
#include <vector>

#include "platform/file_system.h"
#include "probes/windows/mde_handler_log.h"

namespace preflight {
namespace {

// reference/windows.md §4: extension bits, status and handler log of MDE.Windows, on Azure VMs
// (WindowsAzureGuestAgent) and Arc (which installs to %SystemDrive%\Packages\Plugins too).
constexpr const char* kHandler = "Microsoft.Azure.AzureDefenderForServers.MDE.Windows";
constexpr const char* kPluginsDir = "/Packages/Plugins/";
constexpr const char* kWaLogDir = "/WindowsAzure/Logs/Plugins/";
constexpr const char* kArcLogDir = "/ProgramData/GuestConfig/extension_logs/";
constexpr const char* kLogName = "MdeExtensionHandlerLog.log";
constexpr const char* kArcAgentDirs[] = {"/ProgramData/AzureConnectedMachineAgent",
                                         "/Program Files/AzureConnectedMachineAgent"};
// The guest agent's log and Arc's extension manager log (§4).
constexpr const char* kAgentLog = "/WindowsAzure/Logs/WaAppAgent.log";
constexpr const char* kArcAgentLog = "/ProgramData/GuestConfig/ext_mgr_logs";

// The handler log: the guest agent's per-version folder, or Arc's per-extension folder (with or
// without a version below it), whichever was written last.
void ReadHandlerLog(const FileSystem& fs, LocalExtension& ext) {
  std::vector<std::string> candidates = {std::string(kWaLogDir) + kHandler + "/" + ext.version +
                                         "/" + kLogName};
  const std::string arc_dir = std::string(kArcLogDir) + kHandler;
  if (const Result<DirListing> arc = fs.ListDir(arc_dir, kMaxExtensionDirEntries); arc.Ok()) {
    const std::string version = FindHandlerVersions(arc.Value(), "").newest;
    if (!version.empty()) candidates.push_back(arc_dir + "/" + version + "/" + kLogName);
  }
  candidates.push_back(arc_dir + "/" + kLogName);
  const std::string log = NewestRegularFile(fs, candidates);
  if (log.empty()) {
    ext.notes.push_back(std::string("no ") + kLogName + " was found");
    return;
  }
  ext.log_path = fs.HostPath(log);
  if (const auto tail = ReadExtensionLog(fs, log, ext.notes)) {
    const HandlerLogSummary summary = ParseMdeHandlerLog(*tail);
    ext.log_error = summary.last_error;
    if (!ext.code) ext.code = summary.code;
  }
}

}  // namespace

LocalExtension ReadWindowsMdeExtension(const Context& ctx) {
  const FileSystem& fs = ctx.fs;
  LocalExtension ext;
  ext.name = "MDE.Windows";
  ext.log_name = "handler log";
  ext.agent_log = fs.HostPath(kAgentLog);
  const std::string plugin = std::string(kPluginsDir) + kHandler;
  const Result<DirListing> listing = fs.ListDir(plugin, kMaxExtensionDirEntries);
  if (!listing.Ok()) {
    if (listing.Err().kind != ErrorKind::kNotFound) {
      ext.unreadable = "cannot list " + fs.HostPath(plugin) + ": " + listing.Err().message;
      ext.notes.push_back(ext.unreadable);
    }
    return ext;
  }
  HandlerVersions versions = FindHandlerVersions(listing.Value(), "");
  if (versions.newest.empty()) return ext;
  ext.found = true;
  ext.version = versions.newest;
  ext.other_versions = std::move(versions.others);
  const std::string dir = plugin + "/" + ext.version;
  ext.path = fs.HostPath(dir);
  ext.source = "waagent";
  for (const char* arc : kArcAgentDirs) {
    if (fs.Exists(arc)) ext.source = "arc";
  }
  if (ext.source == "arc") ext.agent_log = fs.HostPath(kArcAgentLog);
  ReadNewestStatus(fs, dir + "/RuntimeSettings", dir + "/Status", ext);
  if (!ext.status_path.empty()) ext.status_path = fs.HostPath(ext.status_path);
  ext.code = ext.status.code;
  ReadHandlerLog(fs, ext);
  // The handler writes its own failure as the status code (Code=51 for an unsupported OS).
  if (ext.code) ext.handler_exit = WindowsExtensionExitCode(*ext.code);
  return ext;
}

}  // namespace preflight

#include "probes/linux/local_extension_linux.h"

#include <string>
#include <vector>

#include "platform/file_system.h"
#include "platform/text.h"

namespace preflight {
namespace {

// Handler directories are <Publisher.Type>-<Version> under Lib.Dir, on Azure VMs and on Arc
// (reference linux.md sections 1.5, 3.1 and 3.2).
constexpr std::string_view kHandlerName = "Microsoft.Azure.AzureDefenderForServers.MDE.Linux";
constexpr const char* kLibDir = "/var/lib/waagent";
constexpr const char* kInstallerLogName = "/MdeInstallerLog.log";
// Extension.LogDir/<handler> (WALinuxAgent conf.py, reference 1.5).
constexpr const char* kDefaultLogDir =
    "/var/log/azure/Microsoft.Azure.AzureDefenderForServers.MDE.Linux";
// Arc per-extension logs (reference 3.2; whether MDE.Linux logs there is unverified).
constexpr const char* kArcLogDir =
    "/var/lib/GuestConfig/extension_logs/Microsoft.Azure.AzureDefenderForServers.MDE.Linux";
constexpr const char* kArcDirs[] = {"/opt/azcmagent", "/var/opt/azcmagent"};
// The guest agent's log (reference 3.1) and Arc's extension manager log (reference 3.2).
constexpr const char* kAgentLog = "/var/log/waagent.log";
constexpr const char* kArcAgentLog = "/var/lib/GuestConfig/ext_mgr_logs";

// /var/lib/waagent holds handler directories, goal-state and certificate files: tens to a few
// hundred entries. 4096 bounds a hostile directory.
constexpr std::size_t kMaxLibEntries = 4096;
// HandlerState is one word; HandlerEnvironment.json is under 1 KiB.
constexpr std::size_t kMaxHandlerStateBytes = 256;
constexpr std::size_t kMaxHandlerEnvBytes = std::size_t{64} * 1024;
// A logFolder longer than this is not a real path.
constexpr std::size_t kMaxLogFolderChars = 1024;

// A logFolder from HandlerEnvironment.json is used only if it is a plain absolute path.
bool UsableLogFolder(const std::string& folder) {
  if (folder.empty() || folder.front() != '/' || folder.size() > kMaxLogFolderChars) return false;
  if (folder.find('\0') != std::string::npos) return false;
  return folder.find("/../") == std::string::npos &&
         folder.substr(folder.size() >= 3 ? folder.size() - 3 : 0) != "/..";
}

// The installer log the extension writes, in the folder HandlerEnvironment.json names, the
// agent's default one or Arc's: the newest of those that exist.
void ReadInstallerLog(const Context& ctx, const std::string& handler_dir, LocalExtension& ext) {
  std::vector<std::string> dirs;
  const Result<std::string> env =
      ctx.fs.ReadFile(handler_dir + "/HandlerEnvironment.json", kMaxHandlerEnvBytes);
  if (env.Ok()) {
    const std::string folder = ParseHandlerEnvironmentLogFolder(env.Value());
    if (UsableLogFolder(folder)) {
      dirs.push_back(folder);
    } else if (!folder.empty()) {
      ext.notes.push_back("HandlerEnvironment.json names an unusable logFolder; it was ignored");
    }
  }
  dirs.push_back(kDefaultLogDir);
  if (ext.source == "arc") dirs.push_back(kArcLogDir);
  std::vector<std::string> candidates;
  candidates.reserve(dirs.size());
  for (const std::string& dir : dirs) candidates.push_back(dir + kInstallerLogName);
  ext.log_path = NewestRegularFile(ctx.fs, candidates);
  if (ext.log_path.empty()) {
    ext.notes.push_back("no MdeInstallerLog.log was found");
    return;
  }
  if (const auto tail = ReadExtensionLog(ctx.fs, ext.log_path, ext.notes)) {
    ext.installer = ParseInstallerLog(*tail);
    ext.log_error = ext.installer.last_error;
  }
}

std::string HandlerState(const Context& ctx, const std::string& handler_dir,
                         std::vector<std::string>& notes) {
  const Result<std::string> state =
      ctx.fs.ReadFile(handler_dir + "/config/HandlerState", kMaxHandlerStateBytes);
  if (!state.Ok()) {
    notes.push_back("cannot read config/HandlerState: " + state.Err().message);
    return {};
  }
  return std::string(TrimRight(state.Value(), "\r\n "));
}

}  // namespace

LocalExtension ReadLinuxMdeExtension(const Context& ctx) {
  LocalExtension ext;
  ext.name = "MDE.Linux";
  ext.log_name = "installer log";
  ext.agent_log = kAgentLog;
  const Result<DirListing> listing = ctx.fs.ListDir(kLibDir, kMaxLibEntries);
  if (!listing.Ok()) {
    if (listing.Err().kind != ErrorKind::kNotFound) {
      ext.unreadable = "cannot list " + std::string(kLibDir) + ": " + listing.Err().message;
      ext.notes.push_back(ext.unreadable);
    }
    return ext;
  }
  if (listing.Value().truncated) {
    ext.notes.push_back(std::string(kLibDir) +
                        " holds more than 4096 entries; only the first were scanned");
  }
  const std::string prefix = std::string(kHandlerName) + "-";
  HandlerVersions versions = FindHandlerVersions(listing.Value(), prefix);
  if (versions.newest.empty()) return ext;
  ext.found = true;
  ext.version = versions.newest;
  ext.other_versions = std::move(versions.others);
  ext.path = std::string(kLibDir) + "/" + prefix + ext.version;
  ext.source = "waagent";
  for (const char* dir : kArcDirs) {
    if (ctx.fs.Exists(dir)) ext.source = "arc";
  }
  if (ext.source == "arc") ext.agent_log = kArcAgentLog;
  ext.handler_state = HandlerState(ctx, ext.path, ext.notes);
  ReadNewestStatus(ctx.fs, ext.path + "/config", ext.path + "/status", ext);
  ext.code = ext.status.code;
  // The agent reports the handler's own failure as "Non-zero exit code: N, ..." in the message.
  if (const auto code = ExtensionExitCodeFromMessage(ext.status.message)) {
    ext.handler_exit = ExtensionExitCode(*code);
  }
  ReadInstallerLog(ctx, ext.path, ext);
  return ext;
}

}  // namespace preflight

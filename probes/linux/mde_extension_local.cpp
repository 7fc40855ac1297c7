#include "probes/linux/mde_extension_local.h"

#include <algorithm>
#include <cstdint>
#include <optional>

#include "platform/file_system.h"

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

// /var/lib/waagent holds handler directories, goal-state and certificate files: tens to a few
// hundred entries. 4096 bounds a hostile directory.
constexpr std::size_t kMaxLibEntries = 4096;
// config/ and status/ hold one file per sequence number the agent kept.
constexpr std::size_t kMaxSeqEntries = 1024;
// HandlerState is one word; HandlerEnvironment.json is under 1 KiB.
constexpr std::size_t kMaxHandlerStateBytes = 256;
constexpr std::size_t kMaxHandlerEnvBytes = 64 * 1024;
// One installer run logs a few KiB, tens with debug command output; the last 256 KiB always hold
// the end of the last run.
constexpr std::size_t kMaxInstallerLogTail = 256 * 1024;
// A logFolder longer than this is not a real path.
constexpr std::size_t kMaxLogFolderChars = 1024;

// "1.0.9.0" -> {1,0,9,0}; nullopt unless dot-separated numbers.
std::optional<std::vector<std::uint32_t>> ParseVersion(std::string_view text) {
  std::vector<std::uint32_t> parts;
  while (true) {
    const std::size_t dot = text.find('.');
    const std::string_view part = text.substr(0, dot);
    if (part.empty() || part.size() > 9) return std::nullopt;
    std::uint32_t value = 0;
    for (const char c : part) {
      if (c < '0' || c > '9') return std::nullopt;
      value = value * 10 + static_cast<std::uint32_t>(c - '0');
    }
    parts.push_back(value);
    if (dot == std::string_view::npos) break;
    text.remove_prefix(dot + 1);
    if (parts.size() > 8) return std::nullopt;
  }
  return parts;
}

// "<seq><suffix>" or "<extName>.<seq><suffix>" (multi-config) -> seq.
std::optional<std::uint32_t> SeqOf(std::string_view name, std::string_view suffix) {
  if (name.size() <= suffix.size() || name.substr(name.size() - suffix.size()) != suffix) {
    return std::nullopt;
  }
  name.remove_suffix(suffix.size());
  const std::size_t dot = name.rfind('.');
  if (dot != std::string_view::npos) name.remove_prefix(dot + 1);
  const auto parsed = ParseVersion(name);
  if (!parsed || parsed->size() != 1) return std::nullopt;
  return parsed->front();
}

struct Newest {
  std::optional<std::uint32_t> seq;
  std::string name;
};

Newest NewestBySeq(const FileSystem& fs, const std::string& dir, std::string_view suffix) {
  Newest newest;
  const Result<DirListing> listing = fs.ListDir(dir, kMaxSeqEntries);
  if (!listing.Ok()) return newest;
  for (const DirEntry& entry : listing.Value().entries) {
    const std::optional<std::uint32_t> seq = SeqOf(entry.name, suffix);
    if (seq && (!newest.seq || *seq > *newest.seq)) newest = {seq, entry.name};
  }
  return newest;
}

// A logFolder from HandlerEnvironment.json is used only if it is a plain absolute path.
bool UsableLogFolder(const std::string& folder) {
  if (folder.empty() || folder.front() != '/' || folder.size() > kMaxLogFolderChars) return false;
  if (folder.find('\0') != std::string::npos) return false;
  return folder.find("/../") == std::string::npos &&
         folder.substr(folder.size() >= 3 ? folder.size() - 3 : 0) != "/..";
}

void ReadStatus(const Context& ctx, LocalExtension& ext) {
  const Newest settings = NewestBySeq(ctx.fs, ext.handler_dir + "/config", ".settings");
  const Newest status = NewestBySeq(ctx.fs, ext.handler_dir + "/status", ".status");
  if (!status.seq || (settings.seq && *settings.seq > *status.seq)) {
    // The agent reports a missing status file as transitioning (exthandlers.py
    // collect_ext_status).
    ext.status_missing = true;
    ext.status.status = "transitioning";
    ext.status.error = "the extension has not written a status file for its latest settings yet";
    return;
  }
  ext.status_path = ext.handler_dir + "/status/" + status.name;
  const Result<std::string> text = ctx.fs.ReadFile(ext.status_path, kMaxExtensionStatusBytes);
  if (!text.Ok()) {
    ext.status.status = "unknown";
    ext.status.error = text.Err().kind == ErrorKind::kTooLarge
                           ? "the status file is larger than the 128 KiB the guest agent accepts"
                           : "cannot read the status file: " + text.Err().message;
    return;
  }
  ext.status = ParseExtensionStatus(text.Value());
}

void ReadInstallerLog(const Context& ctx, LocalExtension& ext) {
  std::vector<std::string> dirs;
  const Result<std::string> env =
      ctx.fs.ReadFile(ext.handler_dir + "/HandlerEnvironment.json", kMaxHandlerEnvBytes);
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
  std::int64_t newest_mtime = 0;
  for (const std::string& dir : dirs) {
    const std::string path = dir + kInstallerLogName;
    const Result<FileInfo> info = ctx.fs.Stat(path);
    if (!info.Ok() || info.Value().type != FileType::kRegular) continue;
    if (ext.log_path.empty() || info.Value().mtime_unix > newest_mtime) {
      ext.log_path = path;
      newest_mtime = info.Value().mtime_unix;
    }
  }
  if (ext.log_path.empty()) {
    ext.notes.push_back("no MdeInstallerLog.log was found");
    return;
  }
  const Result<std::string> tail = ctx.fs.ReadTail(ext.log_path, kMaxInstallerLogTail);
  if (!tail.Ok()) {
    ext.notes.push_back("cannot read " + ext.log_path + ": " + tail.Err().message);
    return;
  }
  ext.installer = ParseInstallerLog(tail.Value());
}

}  // namespace

LocalExtension ReadLocalMdeExtension(const Context& ctx) {
  LocalExtension ext;
  const Result<DirListing> listing = ctx.fs.ListDir(kLibDir, kMaxLibEntries);
  if (!listing.Ok()) {
    if (listing.Err().kind != ErrorKind::kNotFound) {
      ext.notes.push_back("cannot list " + std::string(kLibDir) + ": " + listing.Err().message);
    }
    return ext;
  }
  if (listing.Value().truncated) {
    ext.notes.push_back(std::string(kLibDir) +
                        " holds more than 4096 entries; only the first "
                        "were scanned");
  }
  const std::string prefix = std::string(kHandlerName) + "-";
  std::vector<std::pair<std::vector<std::uint32_t>, std::string>> versions;
  for (const DirEntry& entry : listing.Value().entries) {
    if (entry.type != FileType::kDirectory || entry.name.rfind(prefix, 0) != 0) continue;
    const std::string version = entry.name.substr(prefix.size());
    if (auto parsed = ParseVersion(version)) versions.emplace_back(std::move(*parsed), version);
  }
  if (versions.empty()) return ext;
  std::sort(versions.begin(), versions.end());
  ext.found = true;
  ext.version = versions.back().second;
  for (std::size_t i = 0; i + 1 < versions.size(); ++i) {
    ext.other_versions.push_back(versions[i].second);
  }
  ext.handler_dir = std::string(kLibDir) + "/" + prefix + ext.version;
  ext.source = "waagent";
  for (const char* dir : kArcDirs) {
    if (ctx.fs.Exists(dir)) ext.source = "arc";
  }
  const Result<std::string> state =
      ctx.fs.ReadFile(ext.handler_dir + "/config/HandlerState", kMaxHandlerStateBytes);
  if (state.Ok()) {
    std::string word = state.Value();
    while (!word.empty() && (word.back() == '\n' || word.back() == '\r' || word.back() == ' ')) {
      word.pop_back();
    }
    ext.handler_state = word;
  } else {
    ext.notes.push_back("cannot read config/HandlerState: " + state.Err().message);
  }
  ReadStatus(ctx, ext);
  ReadInstallerLog(ctx, ext);
  return ext;
}

}  // namespace preflight

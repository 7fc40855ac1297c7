#include "probes/windows/extension_local_windows_check.h"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "platform/file_system.h"
#include "platform/text.h"
#include "probes/common/extension_status.h"
#include "probes/common/version.h"
#include "probes/windows/mde_handler_log.h"

namespace preflight {
namespace {

using Json = nlohmann::json;

// reference/windows.md §4: extension bits, status and handler log of MDE.Windows, on Azure VMs
// (WindowsAzureGuestAgent) and Arc (which installs to %SystemDrive%\Packages\Plugins too).
constexpr const char* kHandler = "Microsoft.Azure.AzureDefenderForServers.MDE.Windows";
constexpr const char* kPluginsDir = "/Packages/Plugins/";
constexpr const char* kWaLogDir = "/WindowsAzure/Logs/Plugins/";
constexpr const char* kArcLogDir = "/ProgramData/GuestConfig/extension_logs/";
constexpr const char* kLogName = "MdeExtensionHandlerLog.log";
constexpr const char* kArcAgentDirs[] = {"/ProgramData/AzureConnectedMachineAgent",
                                         "/Program Files/AzureConnectedMachineAgent"};
// A handler directory holds a few versions; RuntimeSettings / Status one file per sequence number.
constexpr std::size_t kMaxEntries = 1024;
// The handler log grows across runs; the last 256 KiB hold the last run.
constexpr std::size_t kMaxLogTail = 256 * 1024;
constexpr std::size_t kMaxReportMessageChars = 4096;
constexpr std::size_t kMaxSummaryMessageChars = 300;

Json OrNull(const std::string& value) { return value.empty() ? Json() : Json(value); }

bool IsVersion(const std::string& name) {
  return !name.empty() && IsDigit(name.front()) &&
         std::all_of(name.begin(), name.end(), [](char c) { return IsDigit(c) || c == '.'; });
}

// The newest "<digits>.<digits>..." subdirectory of dir; empty when none.
std::string NewestVersionDir(const FileSystem& fs, const std::string& dir,
                             std::vector<std::string>* others) {
  const Result<DirListing> listing = fs.ListDir(dir, kMaxEntries);
  if (!listing.Ok()) return {};
  std::string newest;
  for (const DirEntry& entry : listing.Value().entries) {
    if (entry.type != FileType::kDirectory || !IsVersion(entry.name)) continue;
    if (newest.empty() || CompareVersions(entry.name, newest) > 0) {
      if (!newest.empty() && others != nullptr) others->push_back(newest);
      newest = entry.name;
    } else if (others != nullptr) {
      others->push_back(entry.name);
    }
  }
  return newest;
}

// The highest N of "N<suffix>" files in dir.
std::optional<std::uint64_t> NewestSeq(const FileSystem& fs, const std::string& dir,
                                       const std::string& suffix) {
  const Result<DirListing> listing = fs.ListDir(dir, kMaxEntries);
  if (!listing.Ok()) return std::nullopt;
  std::optional<std::uint64_t> newest;
  for (const DirEntry& entry : listing.Value().entries) {
    const std::string& name = entry.name;
    if (name.size() <= suffix.size() || name.size() > suffix.size() + 9 ||
        ToLower(name.substr(name.size() - suffix.size())) != suffix) {
      continue;
    }
    const std::string digits = name.substr(0, name.size() - suffix.size());
    if (!std::all_of(digits.begin(), digits.end(), IsDigit)) continue;
    const std::uint64_t seq = std::stoull(digits);
    if (!newest || seq > *newest) newest = seq;
  }
  return newest;
}

struct WindowsExtension {
  std::string dir;
  std::string version;
  std::vector<std::string> other_versions;
  std::string source = "waagent";
  std::string status_path;
  bool status_missing = false;
  ExtensionStatus status;
  std::string log_path;
  HandlerLogSummary log;
  std::vector<std::string> notes;
};

void ReadStatus(const FileSystem& fs, WindowsExtension& ext) {
  const auto settings = NewestSeq(fs, ext.dir + "/RuntimeSettings", ".settings");
  const auto status = NewestSeq(fs, ext.dir + "/Status", ".status");
  if (!status || (settings && *settings > *status)) {
    ext.status_missing = true;
    ext.status.status = "transitioning";
    ext.status.error = "the extension has not written a status file for its latest settings yet";
    return;
  }
  ext.status_path = ext.dir + "/Status/" + std::to_string(*status) + ".status";
  const Result<std::string> text = fs.ReadFile(ext.status_path, kMaxExtensionStatusBytes);
  if (!text.Ok()) {
    ext.status.status = "unknown";
    ext.status.error = "cannot read the status file: " + text.Err().message;
    return;
  }
  ext.status = ParseExtensionStatus(text.Value());
}

void ReadLog(const FileSystem& fs, WindowsExtension& ext) {
  std::vector<std::string> candidates = {std::string(kWaLogDir) + kHandler + "/" + ext.version +
                                         "/" + kLogName};
  const std::string arc_dir = std::string(kArcLogDir) + kHandler;
  const std::string arc_version = NewestVersionDir(fs, arc_dir, nullptr);
  if (!arc_version.empty()) candidates.push_back(arc_dir + "/" + arc_version + "/" + kLogName);
  candidates.push_back(arc_dir + "/" + kLogName);
  std::int64_t newest = 0;
  for (const std::string& path : candidates) {
    const Result<FileInfo> info = fs.Stat(path);
    if (!info.Ok() || info.Value().type != FileType::kRegular) continue;
    if (ext.log_path.empty() || info.Value().mtime_unix > newest) {
      ext.log_path = path;
      newest = info.Value().mtime_unix;
    }
  }
  if (ext.log_path.empty()) {
    ext.notes.push_back(std::string("no ") + kLogName + " was found");
    return;
  }
  const Result<std::string> tail = fs.ReadTail(ext.log_path, kMaxLogTail);
  if (!tail.Ok()) {
    ext.notes.push_back("cannot read " + fs.HostPath(ext.log_path) + ": " + tail.Err().message);
    return;
  }
  ext.log = ParseMdeHandlerLog(tail.Value());
}

std::string Shortened(const std::string& text, std::size_t max) {
  std::string line = text.substr(0, text.find('\n'));
  if (line.size() > max) line = line.substr(0, max) + "...";
  return line;
}

}  // namespace

// Status policy, as on Linux: no extension directory -> skip; success -> pass; transitioning, no
// status file yet, warning or unknown -> warn; error (a malformed status file included) -> fail
// with the message, the code and, for code 51, that the OS is not supported.
CheckResult WindowsExtensionLocalCheck::Run(const Context& ctx) const {
  CheckResult result;
  const FileSystem& fs = ctx.fs;
  WindowsExtension ext;
  const std::string plugin = std::string(kPluginsDir) + kHandler;
  ext.version = NewestVersionDir(fs, plugin, &ext.other_versions);
  if (ext.version.empty()) {
    result.status = Status::kSkip;
    result.summary = "The MDE.Windows extension has not been deployed to this machine.";
    return result;
  }
  ext.dir = plugin + "/" + ext.version;
  for (const char* dir : kArcAgentDirs) {
    if (fs.Exists(dir)) ext.source = "arc";
  }
  ReadStatus(fs, ext);
  ReadLog(fs, ext);

  const std::optional<std::int64_t> code = ext.status.code ? ext.status.code : ext.log.code;
  result.report = {
      {"extensions",
       Json::array({{{"name", "MDE.Windows"},
                     {"version", ext.version},
                     {"source", ext.source},
                     {"handler_state", nullptr},
                     {"status", ext.status.status},
                     {"code", code ? Json(*code) : Json()},
                     {"message", OrNull(ext.status.message.substr(0, kMaxReportMessageChars))},
                     {"path", fs.HostPath(ext.dir)}}})}};
  result.evidence = {
      {"dir", fs.HostPath(ext.dir)},
      {"version", ext.version},
      {"other_versions", ext.other_versions},
      {"source", ext.source},
      {"status_file", ext.status_path.empty() ? Json() : Json(fs.HostPath(ext.status_path))},
      {"status", ext.status.status},
      {"operation", OrNull(ext.status.operation)},
      {"handler_log", ext.log_path.empty() ? Json() : Json(fs.HostPath(ext.log_path))},
      {"handler_log_error", OrNull(ext.log.last_error)},
      {"notes", ext.notes}};
  if (!ext.status.error.empty()) result.evidence["status_problem"] = ext.status.error;

  const std::string name = "The MDE.Windows extension " + ext.version;
  const std::string message = Shortened(ext.status.message, kMaxSummaryMessageChars);
  const std::string logs = ext.log_path.empty()
                               ? std::string("C:\\WindowsAzure\\Logs\\WaAppAgent.log")
                               : fs.HostPath(ext.log_path);
  const std::string& status = ext.status.status;
  if (status == "success") {
    result.status = Status::kPass;
    result.summary = name + " reports success" +
                     (ext.status.operation.empty() ? "" : " (" + ext.status.operation + ")") + ".";
    return result;
  }
  if (status == "error") {
    result.status = Status::kFail;
    result.summary = name + " failed";
    if (!ext.status.valid) {
      result.summary += ": the guest agent reports an error because " + ext.status.error;
    } else if (!message.empty()) {
      result.summary += ": " + message;
    }
    if (code) result.summary += " (code " + std::to_string(*code) + ")";
    if (!ext.log.last_error.empty()) {
      result.summary += "; the handler log's last error: \"" +
                        Shortened(ext.log.last_error, kMaxSummaryMessageChars) + "\"";
    }
    result.summary += ".";
    // Code 51: "Onboarding to MDE via Microsoft Defender for Cloud for this operating system is
    // not supported" (Azure/azure-cli#23663).
    result.remediation =
        code == 51 ? "This Windows edition cannot be onboarded by Defender for Cloud (see "
                     "windows.os); use a supported server release or onboard it another way."
                   : "Read " + logs +
                         ", fix the cause, and Defender for Cloud redeploys the "
                         "extension.";
    return result;
  }
  result.status = Status::kWarn;
  if (status == "transitioning") {
    result.summary = name + " is still being installed or enabled" +
                     (ext.status_missing ? " (no status file for its latest settings yet)"
                      : message.empty()  ? ""
                                         : ": " + message) +
                     ".";
    result.remediation =
        "Wait for the extension to finish, then run the check again; if it stays "
        "in progress, read " +
        logs + ".";
  } else if (status == "warning") {
    result.summary = name + " reports a warning" + (message.empty() ? "" : ": " + message) + ".";
    result.remediation = "Read " + logs + " for the cause.";
  } else {
    result.summary = name + " reported no usable status: " + ext.status.error + ".";
    result.remediation = "Read " + logs + ".";
  }
  return result;
}

}  // namespace preflight

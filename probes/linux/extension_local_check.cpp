#include "probes/linux/extension_local_check.h"

#include <string>

#include "probes/linux/mde_extension_local.h"

namespace preflight {
namespace {

using Json = nlohmann::json;

// The report keeps the extension's message whole up to this; the summary quotes less.
constexpr std::size_t kMaxReportMessageChars = 4096;
constexpr std::size_t kMaxSummaryMessageChars = 300;

std::string Shortened(const std::string& text, std::size_t max) {
  std::string line = text.substr(0, text.find('\n'));
  if (line.size() > max) line = line.substr(0, max) + "...";
  return line;
}

Json StringOrNull(const std::string& value) { return value.empty() ? Json() : Json(value); }

Json ReportEntry(const LocalExtension& ext) {
  Json entry = {{"name", "MDE.Linux"},
                {"version", ext.version},
                {"source", ext.source},
                {"handler_state", StringOrNull(ext.handler_state)},
                {"status", ext.status.status},
                {"code", ext.status.code ? Json(*ext.status.code) : Json()},
                {"message", StringOrNull(ext.status.message.substr(0, kMaxReportMessageChars))},
                {"path", ext.handler_dir}};
  if (ext.installer.exit_code) entry["installer_exit_code"] = *ext.installer.exit_code;
  if (!ext.installer.last_error.empty()) entry["installer_error"] = ext.installer.last_error;
  return entry;
}

Json Evidence(const LocalExtension& ext) {
  Json evidence = {{"handler_dir", ext.handler_dir},
                   {"version", ext.version},
                   {"source", ext.source},
                   {"handler_state", StringOrNull(ext.handler_state)},
                   {"status_file", StringOrNull(ext.status_path)},
                   {"status", ext.status.status},
                   {"operation", StringOrNull(ext.status.operation)},
                   {"timestamp_utc", StringOrNull(ext.status.timestamp_utc)},
                   {"installer_log", StringOrNull(ext.log_path)},
                   {"notes", ext.notes}};
  if (!ext.status.error.empty()) evidence["status_problem"] = ext.status.error;
  if (!ext.status.reported_status.empty()) {
    evidence["reported_status"] = ext.status.reported_status;
  }
  if (!ext.other_versions.empty()) evidence["other_versions"] = ext.other_versions;
  if (ext.installer.found_run) {
    evidence["installer"] = {
        {"script_version", StringOrNull(ext.installer.script_version)},
        {"exit_code", ext.installer.exit_code ? Json(*ext.installer.exit_code) : Json()},
        {"last_error", StringOrNull(ext.installer.last_error)}};
  }
  return evidence;
}

// The most specific explanation of a failure: the extension handler's own exit code (Python,
// noexec), else the installer's exit code from its log.
const ExitCodeInfo* Explain(const LocalExtension& ext, std::string& why) {
  if (const auto code = ExtensionExitCodeFromMessage(ext.status.message)) {
    if (const ExitCodeInfo* info = ExtensionExitCode(*code)) {
      why = "the extension exited with " + std::to_string(*code) + ": " + info->meaning;
      return info;
    }
  }
  if (ext.installer.exit_code && *ext.installer.exit_code != 0) {
    const int code = *ext.installer.exit_code;
    why = "mde_installer.sh exited with " + std::to_string(code);
    const ExitCodeInfo* info = InstallerExitCode(code);
    if (info != nullptr) why += std::string(" (") + info->name + "): " + info->meaning;
    if (!ext.installer.last_error.empty()) why += " [\"" + ext.installer.last_error + "\"]";
    return info;
  }
  return nullptr;
}

}  // namespace

// Status policy: no handler directory -> skip; success -> pass (warn if the handler state is
// FailedUpgrade); transitioning, no status file yet, warning, or unknown -> warn; error (including
// a malformed status file, which the guest agent reports as error) -> fail with the message, the
// exit code and its meaning.
CheckResult ExtensionLocalCheck::Run(const Context& ctx) const {
  const LocalExtension ext = ReadLocalMdeExtension(ctx);
  CheckResult result;
  if (!ext.found) {
    result.status = Status::kSkip;
    result.summary = "The MDE.Linux extension has not been deployed to this machine.";
    if (!ext.notes.empty()) result.evidence["notes"] = ext.notes;
    return result;
  }
  result.evidence = Evidence(ext);
  result.report = {{"extensions", Json::array({ReportEntry(ext)})}};
  const std::string name = "The MDE.Linux extension " + ext.version;
  const std::string& status = ext.status.status;
  const std::string message = Shortened(ext.status.message, kMaxSummaryMessageChars);
  const std::string logs =
      (ext.log_path.empty() ? std::string() : ext.log_path + " and ") + "/var/log/waagent.log";

  if (status == "success") {
    if (ext.handler_state == "FailedUpgrade") {
      result.status = Status::kWarn;
      result.summary = name +
                       " reports success, but its last upgrade failed (handler state "
                       "FailedUpgrade).";
      result.remediation = "Read " + logs + " for the failed upgrade; the agent retries it.";
      return result;
    }
    result.status = Status::kPass;
    result.summary = name + " reports success" +
                     (ext.status.operation.empty() ? "" : " (" + ext.status.operation + ")") + ".";
    return result;
  }
  if (status == "error") {
    std::string why;
    const ExitCodeInfo* info = Explain(ext, why);
    result.status = Status::kFail;
    result.summary = name + " failed";
    if (!ext.status.valid) {
      result.summary += ": the guest agent reports an error because " + ext.status.error;
    } else if (!message.empty()) {
      result.summary += ": " + message;
    }
    if (!ext.status.reported_status.empty()) {
      result.summary += " (status value \"" + ext.status.reported_status +
                        "\" is not one the "
                        "agent knows)";
    }
    if (!why.empty()) result.summary += "; " + why;
    result.summary += ".";
    result.remediation = info != nullptr && *info->remediation != '\0'
                             ? std::string(info->remediation) + " Details: " + logs + "."
                             : "Read " + logs +
                                   ", fix the cause, and the guest agent retries "
                                   "the extension.";
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
    result.remediation = "Read " + logs +
                         "; if the status file is damaged, the agent rewrites it "
                         "on the next run of the extension.";
  }
  return result;
}

}  // namespace preflight

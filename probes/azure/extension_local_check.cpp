#include "probes/azure/extension_local_check.h"

#include <string>

#include "probes/common/facts.h"

namespace preflight {
namespace {

using Json = nlohmann::json;

// The report keeps the extension's message whole up to this; the summary quotes less.
constexpr std::size_t kMaxReportMessageChars = 4096;
constexpr std::size_t kMaxSummaryMessageChars = 300;

std::string Shortened(const std::string& text, std::size_t max = kMaxSummaryMessageChars) {
  std::string line = text.substr(0, text.find('\n'));
  if (line.size() > max) line = line.substr(0, max) + "...";
  return line;
}

Json StringOrNull(const std::string& value) { return value.empty() ? Json() : Json(value); }

template <class T>
Json ValueOrNull(const std::optional<T>& value) {
  return value ? Json(*value) : Json();
}

Json ReportEntry(const LocalExtension& ext) {
  Json entry = {{"name", ext.name},
                {"version", ext.version},
                {"source", ext.source},
                {"handler_state", StringOrNull(ext.handler_state)},
                {"status", ext.status.status},
                {"code", ValueOrNull(ext.code)},
                {"message", StringOrNull(ext.status.message.substr(0, kMaxReportMessageChars))},
                {"path", ext.path}};
  if (ext.installer.exit_code) entry["installer_exit_code"] = *ext.installer.exit_code;
  if (!ext.installer.last_error.empty()) entry["installer_error"] = ext.installer.last_error;
  return entry;
}

Json Evidence(const LocalExtension& ext) {
  Json evidence = {{"handler_dir", ext.path},
                   {"version", ext.version},
                   {"other_versions", ext.other_versions},
                   {"source", ext.source},
                   {"handler_state", StringOrNull(ext.handler_state)},
                   {"status_file", StringOrNull(ext.status_path)},
                   {"status", ext.status.status},
                   {"operation", StringOrNull(ext.status.operation)},
                   {"timestamp_utc", StringOrNull(ext.status.timestamp_utc)},
                   {"log", StringOrNull(ext.log_path)},
                   {"log_error", StringOrNull(ext.log_error)},
                   {"notes", ext.notes}};
  if (!ext.status.error.empty()) evidence["status_problem"] = ext.status.error;
  if (!ext.status.reported_status.empty()) {
    evidence["reported_status"] = ext.status.reported_status;
  }
  if (ext.installer.found_run) {
    evidence["installer"] = {{"script_version", StringOrNull(ext.installer.script_version)},
                             {"exit_code", ValueOrNull(ext.installer.exit_code)},
                             {"last_error", StringOrNull(ext.installer.last_error)}};
  }
  return evidence;
}

// Where an admin reads more: the extension's own log, then the guest agent's.
std::string Logs(const LocalExtension& ext) {
  return (ext.log_path.empty() ? std::string() : ext.log_path + " and ") + ext.agent_log;
}

// The meaning of the code that explains a failure; nullptr when none does.
const ExitCodeInfo* CauseInfo(const LocalExtension& ext, FailureCause cause) {
  if (cause == FailureCause::kHandlerExit) return ext.handler_exit;
  if (cause == FailureCause::kInstallerExit) return InstallerExitCode(*ext.installer.exit_code);
  return nullptr;
}

std::string CauseText(const LocalExtension& ext, FailureCause cause) {
  const ExitCodeInfo* info = CauseInfo(ext, cause);
  if (cause == FailureCause::kHandlerExit) {
    return "; the extension handler ended with code " + std::to_string(info->code) + ": " +
           info->meaning;
  }
  if (cause == FailureCause::kInstallerExit) {
    std::string text = "; mde_installer.sh exited with " + std::to_string(*ext.installer.exit_code);
    if (info != nullptr) text += std::string(" (") + info->name + "): " + info->meaning;
    return text;
  }
  return {};
}

void WordFailure(const LocalExtension& ext, FailureCause cause, CheckResult& result) {
  const std::string message = Shortened(ext.status.message);
  std::string summary = "The " + ext.name + " extension " + ext.version + " failed";
  if (!ext.status.valid) {
    summary += ": the guest agent reports an error because " + ext.status.error;
  } else if (!message.empty()) {
    summary += ": " + message;
  }
  // The code, unless the cause below already names it (MDE.Windows's handler code is its status's).
  const bool code_is_cause =
      cause == FailureCause::kHandlerExit && ext.code && *ext.code == ext.handler_exit->code;
  if (ext.code && !code_is_cause) summary += " (code " + std::to_string(*ext.code) + ")";
  if (!ext.status.reported_status.empty()) {
    summary += " (status value \"" + ext.status.reported_status + "\" is not one the agent knows)";
  }
  summary += CauseText(ext, cause);
  if (!ext.log_error.empty()) {
    summary += "; the " + ext.log_name + "'s last error: \"" + Shortened(ext.log_error) + "\"";
  }
  result.summary = summary + ".";
  const ExitCodeInfo* info = CauseInfo(ext, cause);
  result.remediation =
      info != nullptr && *info->remediation != '\0'
          ? std::string(info->remediation) + " Details: " + Logs(ext) + "."
          : "Read " + Logs(ext) + ", fix the cause, and the guest agent retries the extension.";
}

// The summary and remediation of every state.
void Word(const LocalExtension& ext, const LocalExtensionVerdict& verdict, CheckResult& result) {
  const std::string name = "The " + ext.name + " extension " + ext.version;
  const std::string message = Shortened(ext.status.message);
  const std::string logs = Logs(ext);
  switch (verdict.state) {
    case LocalExtensionState::kNotDeployed:
      result.summary = "The " + ext.name + " extension has not been deployed to this machine.";
      return;
    case LocalExtensionState::kUnreadable:
      result.summary = "Could not tell whether the " + ext.name +
                       " extension is deployed: " + ext.unreadable + ".";
      result.remediation =
          "Run the agent with the rights to read the guest agent's extension folders.";
      return;
    case LocalExtensionState::kSucceeded:
      result.summary = name + " reports success" +
                       (ext.status.operation.empty() ? "" : " (" + ext.status.operation + ")") +
                       ".";
      return;
    case LocalExtensionState::kFailedUpgrade:
      result.summary =
          name + " reports success, but its last upgrade failed (handler state FailedUpgrade).";
      result.remediation = "Read " + logs + " for the failed upgrade; the agent retries it.";
      return;
    case LocalExtensionState::kFailed:
      WordFailure(ext, verdict.cause, result);
      return;
    case LocalExtensionState::kTransitioning:
      result.summary = name + " is still being installed or enabled" +
                       (ext.status_missing ? " (no status file for its latest settings yet)"
                        : message.empty()  ? ""
                                           : ": " + message) +
                       ".";
      result.remediation =
          "Wait for the extension to finish, then run the check again; if it stays in progress, "
          "read " +
          logs + ".";
      return;
    case LocalExtensionState::kWarning:
      result.summary = name + " reports a warning" + (message.empty() ? "" : ": " + message) + ".";
      result.remediation = "Read " + logs + " for the cause.";
      return;
    case LocalExtensionState::kNoUsableStatus:
      result.summary = name + " reported no usable status: " + ext.status.error + ".";
      result.remediation = "Read " + logs +
                           "; if the status file is damaged, the agent rewrites it on the next "
                           "run of the extension.";
      return;
  }
}

}  // namespace

LocalExtensionVerdict EvaluateLocalExtension(const LocalExtension& ext) {
  if (!ext.found) {
    return ext.unreadable.empty()
               ? LocalExtensionVerdict{Status::kSkip, LocalExtensionState::kNotDeployed}
               : LocalExtensionVerdict{Status::kWarn, LocalExtensionState::kUnreadable};
  }
  const std::string& status = ext.status.status;
  if (status == "success") {
    return ext.handler_state == "FailedUpgrade"
               ? LocalExtensionVerdict{Status::kWarn, LocalExtensionState::kFailedUpgrade}
               : LocalExtensionVerdict{Status::kPass, LocalExtensionState::kSucceeded};
  }
  if (status == "error") {
    LocalExtensionVerdict verdict{Status::kFail, LocalExtensionState::kFailed};
    if (ext.handler_exit != nullptr) {
      verdict.cause = FailureCause::kHandlerExit;
    } else if (ext.installer.exit_code && *ext.installer.exit_code != 0) {
      verdict.cause = FailureCause::kInstallerExit;
    }
    return verdict;
  }
  if (status == "transitioning") {
    return {Status::kWarn, LocalExtensionState::kTransitioning};
  }
  if (status == "warning") return {Status::kWarn, LocalExtensionState::kWarning};
  return {Status::kWarn, LocalExtensionState::kNoUsableStatus};
}

CheckResult DescribeLocalExtension(const LocalExtension& ext,
                                   const LocalExtensionVerdict& verdict) {
  CheckResult result;
  result.status = verdict.status;
  if (ext.found) {
    result.evidence = Evidence(ext);
    result.report = {{"extensions", Json::array({ReportEntry(ext)})}};
  } else if (!ext.notes.empty()) {
    result.evidence["notes"] = ext.notes;
  }
  Word(ext, verdict, result);
  return result;
}

CheckResult ExtensionLocalCheck::Run(const Context& ctx) const {
  const LocalExtension& ext = LocalMdeExtensionOf(ctx);
  return DescribeLocalExtension(ext, EvaluateLocalExtension(ext));
}

}  // namespace preflight

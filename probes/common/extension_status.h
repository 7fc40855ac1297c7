#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace preflight {

// WALinuxAgent rejects status files larger than this (azurelinuxagent/ga/exthandlers.py
// _MAX_STATUS_FILE_SIZE_IN_BYTES; reference linux.md section 3.1).
constexpr std::size_t kMaxExtensionStatusBytes = std::size_t{128} * 1024;

struct ExtensionSubstatus {
  std::string name;
  std::string status;
  std::optional<std::int64_t> code;
  std::string message;
};

// The first entry of an extension status file, read the way the guest agent reads it.
struct ExtensionStatus {
  bool valid = false;  // the file has the shape the agent accepts
  std::string error;   // why not, in words
  // "success", "error", "transitioning", "warning", or "unknown" (nothing reported). A malformed
  // file or a status value outside the four is "error", as the agent reports it.
  std::string status = "unknown";
  std::string reported_status;  // the status value as written, when it was not one of the four
  std::string name;
  std::string operation;
  std::string message;  // status.formattedMessage.message
  std::string timestamp_utc;
  std::string version;  // the file format version ("1.0")
  std::optional<std::int64_t> code;
  std::vector<ExtensionSubstatus> substatus;
};

// A JSON array of which only [0] is used: {"version", "timestampUTC", "status": {"name",
// "operation", "status", "code", "formattedMessage": {"lang", "message"}, "substatus": [...]}}
// (WALinuxAgent azurelinuxagent/ga/exthandlers.py parse_ext_status). Not an array, not JSON, or no
// status.status -> error, as the agent reports it; an empty array -> unknown. OS-neutral (the
// Windows guest agent writes the same format). Never throws.
ExtensionStatus ParseExtensionStatus(std::string_view text);

// The logFolder of a HandlerEnvironment.json: [{"name", "version", "handlerEnvironment":
// {"logFolder", "configFolder", "statusFolder", "heartbeatFile", ...}}] (WALinuxAgent
// exthandlers.py create_handler_env). Empty when absent or not a string. The value is untrusted:
// callers validate it before use. Never throws.
std::string ParseHandlerEnvironmentLogFolder(std::string_view text);

}  // namespace preflight

#include "probes/windows/mde_handler_log.h"

#include "platform/text.h"

namespace preflight {
namespace {

constexpr std::size_t kMaxLineChars = 1024;

constexpr ExitCodeInfo kUnsupportedOs = {
    51, "UNSUPPORTED_OS", "Defender for Cloud does not onboard this operating system to MDE",
    "This Windows edition cannot be onboarded by Defender for Cloud (see windows.os); use a "
    "supported server release or onboard it another way."};

// The value after `key` up to the next ',' (or the end of the line).
std::string_view Field(std::string_view line, std::string_view key) {
  const std::size_t at = line.find(key);
  if (at == std::string_view::npos) return {};
  std::string_view value = line.substr(at + key.size());
  return Trim(value.substr(0, value.find(',')));
}

}  // namespace

HandlerLogSummary ParseMdeHandlerLog(std::string_view text) {
  HandlerLogSummary summary;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    line = TrimRight(line.substr(0, kMaxLineChars));
    if (const std::size_t at = line.find("[Error]"); at != std::string_view::npos) {
      summary.last_error = std::string(Trim(line.substr(at + 7)));
    }
    if (line.find("Set handler status") != std::string_view::npos) {
      summary.last_status = std::string(Field(line, "Status="));
      const std::string_view code = Field(line, "Code=");
      summary.code.reset();
      if (!code.empty() && code.size() <= 12) {
        std::int64_t value = 0;
        bool digits = true;
        for (const char c : code) {
          if (!IsDigit(c)) {
            digits = false;
            break;
          }
          value = value * 10 + (c - '0');
        }
        if (digits) summary.code = value;
      }
    }
  }
  return summary;
}

const ExitCodeInfo* WindowsExtensionExitCode(std::int64_t code) {
  return code == kUnsupportedOs.code ? &kUnsupportedOs : nullptr;
}

}  // namespace preflight

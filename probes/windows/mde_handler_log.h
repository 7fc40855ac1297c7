#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "probes/common/mde_installer_log.h"

namespace preflight {

// What the tail of the MDE.Windows handler log (MdeExtensionHandlerLog.log) says about its last
// run. Lines seen in the field (reference/windows.md §4, Azure/azure-cli#23663):
//   "[Error] Onboarding to MDE via Microsoft Defender for Cloud for this operating system is not
//    supported"
//   "Set handler status (...\Status\0.status), Status=error, Code=51, Message='Failed to ...'"
struct HandlerLogSummary {
  std::string last_error;            // the text after the last "[Error]"
  std::optional<std::int64_t> code;  // Code= of the last "Set handler status" line
  std::string last_status;           // Status= of that line
};

// Pure; lines are cut at 1 KiB; never throws.
HandlerLogSummary ParseMdeHandlerLog(std::string_view text);

// What a code the MDE.Windows handler sets in its status means: 51, "Onboarding to MDE via
// Microsoft Defender for Cloud for this operating system is not supported" (Azure/azure-cli#23663),
// the Azure extension handlers' code for an unsupported OS. nullptr when unknown.
const ExitCodeInfo* WindowsExtensionExitCode(std::int64_t code);

}  // namespace preflight

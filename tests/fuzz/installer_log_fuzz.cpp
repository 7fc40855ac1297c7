#include <cstddef>
#include <cstdint>
#include <string_view>

#include "probes/common/mde_installer_log.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const preflight::InstallerLogSummary summary = preflight::ParseInstallerLog(text);
  if (summary.exit_code && *summary.exit_code < 0) __builtin_trap();
  if (summary.last_error.size() > 1024) __builtin_trap();
  if (const auto code = preflight::ExtensionExitCodeFromMessage(text); code && *code < 0) {
    __builtin_trap();
  }
  return 0;
}

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "probes/common/extension_status.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const preflight::ExtensionStatus status = preflight::ParseExtensionStatus(text);
  const std::string& s = status.status;
  if (s != "success" && s != "error" && s != "transitioning" && s != "warning" && s != "unknown") {
    __builtin_trap();
  }
  if (!status.valid && s != "error") __builtin_trap();
  (void)preflight::ParseHandlerEnvironmentLogFolder(text);
  return 0;
}

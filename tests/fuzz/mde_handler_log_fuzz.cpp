#include <cstddef>
#include <cstdint>
#include <string_view>

#include "probes/windows/mde_handler_log.h"

// libFuzzer entry point: any log text parses; the error it keeps is one bounded line.
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const preflight::HandlerLogSummary log = preflight::ParseMdeHandlerLog(text);
  if (log.last_error.size() > 1024 || log.last_error.find('\n') != std::string::npos) {
    __builtin_trap();
  }
  return 0;
}

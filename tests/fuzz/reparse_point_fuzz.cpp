#include <cstddef>
#include <cstdint>
#include <string_view>

#include "platform/reparse_point.h"

// libFuzzer entry point: any buffer parses without reading outside it, crashing or throwing.
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view buffer(reinterpret_cast<const char*>(data), size);
  const auto target = preflight::ParseReparsePointTarget(buffer);
  if (target.Ok() && target.Value().empty()) __builtin_trap();
  return 0;
}

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "probes/windows/winhttp_settings.h"

// libFuzzer entry point: any value parses without reading outside it; what it keeps fits in it.
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const preflight::WinHttpProxy proxy = preflight::ParseWinHttpSettings(bytes);
  if (proxy.proxy.size() + proxy.bypass.size() > size) __builtin_trap();
  if (!proxy.valid && proxy.error.empty()) __builtin_trap();
  return 0;
}

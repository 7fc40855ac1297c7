// libFuzzer target for ParseWwwAuthenticate (the Arc HIMDS challenge header): whatever a server
// sends, the result is absent or a bounded path without control bytes.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "platform/http_parsers.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view header(reinterpret_cast<const char*>(data), size);
  const auto realm = preflight::ParseWwwAuthenticate(header);
  if (!realm) return 0;
  if (realm->empty() || realm->size() > 4096) __builtin_trap();
  for (const char c : *realm) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) __builtin_trap();
  }
  return 0;
}

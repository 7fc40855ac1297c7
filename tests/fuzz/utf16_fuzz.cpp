#include <cstddef>
#include <cstdint>
#include <string_view>

#include "platform/utf16.h"

// libFuzzer entry point: valid UTF-8 must round-trip exactly; any UTF-16 (unpaired surrogates
// included) must give UTF-8 that converts back without failing.
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  if (const auto utf16 = preflight::Utf8ToUtf16(bytes)) {
    if (preflight::Utf16ToUtf8(*utf16) != bytes) __builtin_trap();
  }
  const std::u16string units = preflight::Utf16FromLittleEndianBytes(bytes);
  if (preflight::Utf16ToLittleEndianBytes(units) != bytes.substr(0, size & ~std::size_t{1})) {
    __builtin_trap();
  }
  if (!preflight::Utf8ToUtf16(preflight::Utf16ToUtf8(units))) __builtin_trap();
  return 0;
}

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "probes/linux/resource_parsers.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const auto banner = preflight::GlibcVersionFromBinary(bytes);
  if (banner && banner->find('.') == std::string::npos) __builtin_trap();
  const auto name = preflight::GlibcVersionFromFileName(bytes);
  if (name && name->find('.') == std::string::npos) __builtin_trap();
  return 0;
}

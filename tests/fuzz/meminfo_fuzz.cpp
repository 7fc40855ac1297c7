#include <cstddef>
#include <cstdint>
#include <string_view>

#include "probes/linux/resource_parsers.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)preflight::MeminfoKib(text, "MemTotal");
  (void)preflight::MeminfoKib(text, "");
  return 0;
}

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "probes/linux/resource_parsers.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto count = preflight::CountCpuList(text);
  if (count && *count == 0) __builtin_trap();  // a well-formed list names at least one CPU
  (void)preflight::CountCpuinfoProcessors(text);
  return 0;
}

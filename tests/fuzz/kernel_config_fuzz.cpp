#include <cstddef>
#include <cstdint>
#include <string_view>

#include "probes/linux/kernel_config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  for (const auto& [name, value] : preflight::ParseKernelConfig(text)) {
    if (name.rfind("CONFIG_", 0) != 0 || value.find('\n') != std::string::npos) __builtin_trap();
  }
  return 0;
}

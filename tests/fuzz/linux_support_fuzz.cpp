#include <cstddef>
#include <cstdint>
#include <string_view>

#include "probes/linux/linux_support.h"

// linux_support.json is ours, but its parser promises never to throw on any text.
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto support = preflight::ParseLinuxSupport(text);
  if (support.Ok() && support.Value().distros.empty()) __builtin_trap();
  return 0;
}

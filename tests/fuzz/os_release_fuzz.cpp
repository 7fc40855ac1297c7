#include <cstddef>
#include <cstdint>
#include <string_view>

#include "probes/common/os_release.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const preflight::OsRelease release = preflight::ParseOsRelease(text);
  if (release.found && release.id.empty()) __builtin_trap();
  return 0;
}

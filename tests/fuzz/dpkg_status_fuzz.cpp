#include <cstddef>
#include <cstdint>
#include <string_view>

#include "probes/common/dpkg_status.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const preflight::DpkgPackage package = preflight::ParseDpkgStatus(text, "mdatp");
  if (package.Installed() && !package.found) __builtin_trap();
  return 0;
}

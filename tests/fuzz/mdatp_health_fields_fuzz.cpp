#include <cstddef>
#include <cstdint>
#include <string_view>

#include "probes/common/mdatp_health.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const preflight::MdatpHealth health = preflight::ParseMdatpHealthFields(text);
  if (!health.parsed && health.error.empty()) __builtin_trap();
  if (health.app_version.size() > 512 || health.conflicting_applications.size() > 64) {
    __builtin_trap();
  }
  return 0;
}

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "probes/common/mdatp_health.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const preflight::MdatpHealth health = preflight::ParseMdatpHealthJson(text);
  if (!health.parsed && health.error.empty()) __builtin_trap();
  // Values are bounded whatever the input (kMaxValueChars, kMaxListItems).
  if (health.org_id.size() > 512 || health.health_issues.size() > 64) __builtin_trap();
  return 0;
}

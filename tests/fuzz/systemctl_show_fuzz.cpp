#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "platform/systemd_show.h"

namespace {

// Whatever reaches a report must be printable ASCII (nlohmann::json throws on invalid UTF-8).
void RequirePrintable(std::string_view text) {
  for (const char c : text) {
    if (c < 0x20 || c > 0x7e) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const preflight::SystemctlShow show = preflight::ParseSystemctlShow(text);
  if (show.ok == !show.error.empty()) std::abort();
  const preflight::ServiceStatus status = preflight::ServiceStatusFromShow(show);
  RequirePrintable(status.detail);
  if (const auto unit = preflight::SystemdUnitName(text)) {
    RequirePrintable(*unit);
    if (unit->empty() || unit->size() > 255) std::abort();
  }
  return 0;
}

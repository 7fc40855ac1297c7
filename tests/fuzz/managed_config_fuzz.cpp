#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "probes/common/mdatp_config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const preflight::ManagedConfig config = preflight::ParseManagedConfig(text);
  if (config.proxy_has_credentials && config.proxy.find("<redacted>") == std::string::npos) {
    __builtin_trap();
  }
  // The raw input as a URL: redaction never grows it by more than the marker.
  const std::string redacted = preflight::RedactUrlCredentials(text);
  if (redacted.size() > text.size() + 10) __builtin_trap();
  return 0;
}

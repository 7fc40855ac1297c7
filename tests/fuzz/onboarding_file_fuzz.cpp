#include <cstddef>
#include <cstdint>
#include <string_view>

#include "probes/common/mdatp_config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const preflight::OnboardingInfo info = preflight::ParseOnboardingFile(text);
  if (info.parsed == info.org_id.empty()) __builtin_trap();
  return 0;
}

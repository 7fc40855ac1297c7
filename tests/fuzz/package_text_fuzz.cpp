#include <cstddef>
#include <cstdint>
#include <string_view>

#include "probes/common/package_text.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const preflight::RpmQueryOutput rpm = preflight::ParseRpmQuery(text);
  for (const preflight::RpmQueryLine& line : rpm.installed) {
    if (line.name.empty()) __builtin_trap();
  }
  const auto setting = preflight::FindConfigSetting(text, "OnAccessPrevention");
  if (setting && setting->line_number == 0) __builtin_trap();
  (void)preflight::MachineFromElfHeader(text);
  (void)preflight::MachineFromPackageArch(text);
  return 0;
}

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "probes/windows/minifilters.h"

// libFuzzer entry point: any buffer parses without reading outside it, every filter it keeps has a
// name, and an altitude the parser kept classifies without failing.
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const preflight::MinifilterBuffer parsed =
      preflight::ParseFilterAggregateStandardInformation(bytes);
  if (parsed.filters.size() > size / preflight::fasi::kSize + 1) __builtin_trap();
  for (const preflight::Minifilter& filter : parsed.filters) {
    if (filter.name.empty()) __builtin_trap();
    (void)preflight::AltitudeGroup(filter.altitude);
  }
  (void)preflight::AltitudeGroup(bytes);
  return 0;
}

#include "probes/windows/allocated_altitudes.h"

#include <string>

#include "platform/text.h"

namespace preflight {
namespace {

// "csagent.sys" / "CSAGENT" -> "csagent".
std::string FilterKey(std::string_view name) {
  std::string key = ToLower(Trim(name));
  if (key.size() > 4 && key.compare(key.size() - 4, 4, ".sys") == 0) key.resize(key.size() - 4);
  return key;
}

}  // namespace

bool IsMicrosoftAllocation(const AltitudeAllocation& allocation) {
  return ToLower(Trim(allocation.company)) == "microsoft";
}

const AltitudeAllocation* FindAllocation(std::span<const AltitudeAllocation> allocations,
                                         std::string_view name, std::string_view altitude) {
  const std::string key = FilterKey(name);
  altitude = Trim(altitude);
  const AltitudeAllocation* current = nullptr;
  const AltitudeAllocation* retired = nullptr;
  for (const AltitudeAllocation& allocation : allocations) {
    if (FilterKey(allocation.filter) != key) continue;
    if (!altitude.empty() && allocation.altitude == altitude) return &allocation;
    const AltitudeAllocation*& slot = allocation.retired ? retired : current;
    if (slot == nullptr) slot = &allocation;
  }
  return current != nullptr ? current : retired;
}

}  // namespace preflight

#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "probes/check.h"

namespace preflight {

// The checks of this platform, in report order. Listed explicitly (no self-registration).
std::vector<std::unique_ptr<Check>> MakePlatformChecks();

// True for an id that names a check of another platform ("windows.minifilters" on Linux), so
// that one --ignore list can serve a mixed fleet.
bool IsCheckIdOfAnotherPlatform(std::string_view id);

}  // namespace preflight

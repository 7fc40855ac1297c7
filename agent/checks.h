#pragma once

#include <memory>
#include <vector>

#include "probes/check.h"

namespace preflight {

// The checks of this platform, in report order. Listed explicitly (no self-registration).
std::vector<std::unique_ptr<Check>> MakePlatformChecks();

}  // namespace preflight

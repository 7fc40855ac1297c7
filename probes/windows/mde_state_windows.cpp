#include <chrono>

#include "probes/common/facts.h"
#include "probes/windows/windows_mde_state.h"

namespace preflight {

// MDE's state on Windows: Sense, the ATP status key (probes/windows/windows_mde_state.cpp).
MdeState ReadMdeState(const Context& ctx) { return ReadWindowsMdeState(ctx, ctx.clock.WallNow()); }

}  // namespace preflight

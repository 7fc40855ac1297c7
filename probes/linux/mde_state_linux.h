#pragma once

#include "probes/check.h"
#include "probes/common/mde_state.h"

namespace preflight {

// MDE's state on a Linux machine: the mdatp package (dpkg, else rpm), MDE's files and the mdatp
// command, `mdatp health` on the live machine, the onboarding and managed files, and the mdatp
// service. MdeStateOf (probes/common/facts.h) reads it once per run.
MdeState ReadLinuxMdeState(const Context& ctx);

}  // namespace preflight

#pragma once

#include <nlohmann/json.hpp>

#include "probes/check.h"

namespace preflight {

// The report's `host` object: uname on the live machine, the tree's /proc and /etc under --root.
nlohmann::json CollectHost(const Context& ctx);

// The report's `environment` object from local signs only (no network): Arc agent, Azure's
// SMBIOS asset tag. Cloud fields stay null until something confirms them.
nlohmann::json DetectEnvironmentLocally(const Context& ctx);

}  // namespace preflight

#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace preflight {

// `mde-preflight checks`: every check of every platform, from the registry
// (agent/check_registry.h), marking those that run on this one.

// {"platform": "linux", "checks": [{"id", "title", "platforms": ["linux"], "runs_here"}]}
nlohmann::json CheckListJson();

// One line per check: a mark when it runs here, id, platforms, title.
std::string CheckListText();

}  // namespace preflight

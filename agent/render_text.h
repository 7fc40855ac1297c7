#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace preflight {

// The terminal summary of a report. ANSI colour only when asked (a TTY and no NO_COLOR).
std::string RenderText(const nlohmann::json& report, bool color);

}  // namespace preflight

#pragma once

#include <string>
#include <vector>

namespace preflight {

// Exit codes (DESIGN.md): the contract automation gates on.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitInternal = 3;

// The whole program behind main(); returns the exit code. May end the process itself when a
// check is still stuck at the deadline (see RunChecks).
int RunApp(const std::vector<std::string>& args);

}  // namespace preflight

#pragma once

// Windows passes a child one command-line string, which the child's C runtime splits back into
// argv. Quoting it is pure text work, so it lives here, tested and fuzzed on every build.

#include <optional>
#include <string>
#include <vector>

namespace preflight {

// The command line that the Microsoft C runtime and CommandLineToArgvW split back into exactly
// `argv` (https://learn.microsoft.com/cpp/c-language/parsing-c-command-line-arguments):
// arguments with a space, tab, newline, vertical tab or quote, and empty ones, are quoted; inside
// quotes a '"' becomes \" and the backslashes before a '"' or the closing quote are doubled.
// argv[0] is parsed without escapes, so it is only wrapped in quotes; nullopt when it holds a '"'
// (no Windows path can) or argv is empty.
std::optional<std::string> BuildWindowsCommandLine(const std::vector<std::string>& argv);

}  // namespace preflight

#pragma once

// What differs between the platforms in the agent itself. One body per platform
// (platform_defaults_linux.cpp, platform_defaults_windows.cpp), chosen by CMake, so app.cpp has
// no #ifdef.

#include <string>
#include <vector>

#include "platform/environment.h"

namespace preflight {

// "linux" or "windows": the report's host.os.family.
const char* OsFamily();

// The agent's own files (DESIGN.md, "Command line"): /etc/mde-preflight/config.json and
// /var/lib/mde-preflight/report.json; %ProgramData%\mde-preflight\ on Windows.
std::string DefaultConfigPath(const Environment& env);
std::string DefaultReportPath(const Environment& env);

// The command-line arguments after the program name, as UTF-8.
std::vector<std::string> ProgramArguments(int argc, char** argv);

}  // namespace preflight

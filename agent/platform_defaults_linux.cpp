#include "agent/platform_defaults.h"

namespace preflight {

const char* OsFamily() { return "linux"; }

std::string DefaultConfigPath(const Environment& /*env*/) {
  return "/etc/mde-preflight/config.json";
}

std::string DefaultReportPath(const Environment& /*env*/) {
  return "/var/lib/mde-preflight/report.json";
}

// Linux hands the program its arguments as bytes; the agent treats them as UTF-8.
std::vector<std::string> ProgramArguments(int argc, char** argv) {
  return std::vector<std::string>(argv + 1, argv + argc);
}

}  // namespace preflight

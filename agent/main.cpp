#include <string>
#include <vector>

#include "agent/app.h"
#include "agent/platform_defaults.h"

int main(int argc, char** argv) {
  const std::vector<std::string> args = preflight::ProgramArguments(argc, argv);
  return preflight::RunApp(args);
}

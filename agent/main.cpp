#include <string>
#include <vector>

#include "agent/app.h"
#include "agent/platform_defaults.h"
#include "agent/runner.h"
#include "platform/process_exit.h"

int main(int argc, char** argv) {
  const std::vector<std::string> args = preflight::ProgramArguments(argc, argv);
  const int code = preflight::RunApp(args);
  // A check stuck past the run's deadline is still at work: no destructor may run under it.
  if (preflight::ChecksLeftRunning()) preflight::ExitNow(code);
  return code;
}

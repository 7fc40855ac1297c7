#include "tests/integration/agent_cli.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>

namespace preflight::testing {
namespace {

// A full run reads all of /proc and may run commands; generous, the agent has its own deadline.
constexpr std::chrono::seconds kAgentTimeout{120};
constexpr std::size_t kMaxOutput = 16 * 1024 * 1024;

}  // namespace

AgentRun RunAgent(const std::vector<std::string>& args, const std::vector<std::string>& env,
                  const std::vector<std::string>& wrapper) {
  std::vector<std::string> argv = {"/usr/bin/env"};
  argv.insert(argv.end(), env.begin(), env.end());
  // network.mde probes nothing unless the test names endpoints (tests/CMakeLists.txt); after the
  // caller's entries, since env(1) takes its -u options first.
  const std::string endpoints = "MDE_PREFLIGHT_NETWORK_ENDPOINTS=";
  if (std::none_of(env.begin(), env.end(),
                   [&](const std::string& e) { return e.rfind(endpoints, 0) == 0; })) {
    argv.push_back(endpoints + PREFLIGHT_NO_ENDPOINTS);
  }
  argv.insert(argv.end(), wrapper.begin(), wrapper.end());
  argv.push_back(PREFLIGHT_BINARY);
  argv.insert(argv.end(), args.begin(), args.end());
  AgentRun run;
  auto result = MakeProcessRunner()->Run(argv, kAgentTimeout, kMaxOutput);
  if (!result.Ok()) {
    run.err = result.Err().message;
    return run;
  }
  run.exit_code = result.Value().exit_code;
  run.out = result.Value().out;
  run.err = result.Value().err;
  run.report = nlohmann::json::parse(run.out, nullptr, /*allow_exceptions=*/false);
  return run;
}

std::string SchemaViolations(const nlohmann::json& report) {
  char path[] = "/tmp/mde-preflight-report-XXXXXX";
  const int fd = ::mkstemp(path);
  if (fd < 0) return "cannot create a temporary file";
  ::close(fd);
  {
    std::ofstream file(path);
    file << report.dump();
  }
  auto result = MakeProcessRunner()->Run(
      {PREFLIGHT_PYTHON, PREFLIGHT_SOURCE_DIR "/tests/tools/validate_report.py",
       PREFLIGHT_SOURCE_DIR "/agent/schema/report.schema.json", path},
      std::chrono::seconds(60), 1024 * 1024);
  std::remove(path);
  if (!result.Ok()) return "validator did not run: " + result.Err().message;
  if (result.Value().exit_code != 0) {
    return "exit " + std::to_string(result.Value().exit_code) + ": " + result.Value().err;
  }
  return {};
}

}  // namespace preflight::testing

#pragma once

// Runs the built mde-preflight binary for end-to-end tests, through the real process runner.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "platform/process_runner.h"

namespace preflight::testing {

struct AgentRun {
  int exit_code = -1;
  std::string out;
  std::string err;
  nlohmann::json report;  // parsed stdout when it is JSON, else discarded
};

// `env` entries are NAME=value, applied through /usr/bin/env; `wrapper` runs the agent (e.g.
// setpriv with its options), placed right before the binary.
AgentRun RunAgent(const std::vector<std::string>& args, const std::vector<std::string>& env = {},
                  const std::vector<std::string>& wrapper = {});

// Validates a report with tests/tools/validate_report.py; returns its output, empty when valid.
std::string SchemaViolations(const nlohmann::json& report);

}  // namespace preflight::testing

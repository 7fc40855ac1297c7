#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "platform/result.h"

namespace preflight {

struct ProcessOutput {
  int exit_code = -1;
  std::string out;
  std::string err;
  bool truncated = false;  // output beyond max_output was discarded
};

// Runs a program by absolute path with an argv vector (never a shell), a timeout after which the
// child is killed (ErrorKind::kTimeout), and a cap on captured output per stream.
class ProcessRunner {
 public:
  virtual ~ProcessRunner() = default;
  virtual Result<ProcessOutput> Run(const std::vector<std::string>& argv,
                                    std::chrono::milliseconds timeout, std::size_t max_output) = 0;
};

std::unique_ptr<ProcessRunner> MakeProcessRunner();

}  // namespace preflight

#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "platform/result.h"

namespace preflight {

struct ProcessOutput {
  int exit_code = -1;  // on a signal death 128 + term_signal, as shells report it
  std::string out;
  std::string err;
  bool truncated = false;  // output beyond max_output was discarded
  int term_signal = 0;     // nonzero when the child was killed by this signal
};

// Runs a program by absolute path with an argv vector (never a shell), a timeout after which the
// child is killed (ErrorKind::kTimeout), and a cap on captured output per stream. stdin is empty.
// Errors: kInvalid (relative argv[0], empty argv), kNotFound (no such program), kPermission (not
// executable), kTimeout, kOther. Safe to call from several threads at once.
class ProcessRunner {
 public:
  virtual ~ProcessRunner() = default;
  virtual Result<ProcessOutput> Run(const std::vector<std::string>& argv,
                                    std::chrono::milliseconds timeout, std::size_t max_output) = 0;
};

std::unique_ptr<ProcessRunner> MakeProcessRunner();

}  // namespace preflight

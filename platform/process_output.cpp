#include "platform/process_output.h"

#include <algorithm>

namespace preflight {

std::optional<Error> CheckRunRequest(const std::vector<std::string>& argv,
                                     std::chrono::milliseconds timeout) {
  if (argv.empty()) return MakeError(ErrorKind::kInvalid, "no program given");
  for (const std::string& arg : argv) {
    if (arg.find('\0') != std::string::npos) {
      return MakeError(ErrorKind::kInvalid, "an argument for " + argv[0] + " holds a NUL byte");
    }
  }
  if (timeout.count() <= 0) {
    return MakeError(ErrorKind::kInvalid, "timeout for " + argv[0] + " is not positive");
  }
  return std::nullopt;
}

Error NotAbsoluteError(const std::string& program) {
  return MakeError(ErrorKind::kInvalid, "program path is not absolute: " + program);
}

void CappedOutput::Keep(std::string_view chunk) {
  const std::size_t take = std::min(chunk.size(), cap_ - data_.size());
  data_.append(chunk.data(), take);
  if (take < chunk.size()) truncated_ = true;
}

ProcessOutput FinishedOutput(ChildEnd end, CappedOutput& out, CappedOutput& err) {
  ProcessOutput result;
  result.exit_code = end.exit_code;
  result.term_signal = end.term_signal;
  result.truncated = out.Truncated() || err.Truncated();
  result.out = out.Take();
  result.err = err.Take();
  return result;
}

Error TimedOutError(const std::string& program, std::chrono::milliseconds timeout, bool killed,
                    int exit_code) {
  const std::string limit = std::to_string(timeout.count()) + " ms";
  if (killed) {
    return MakeError(ErrorKind::kTimeout,
                     program + " did not finish within " + limit + " and was killed");
  }
  return MakeError(ErrorKind::kTimeout, program + " exited with code " + std::to_string(exit_code) +
                                            " but its output stayed open past the " + limit +
                                            " timeout (a background process it started holds it)");
}

Error RunFailedError(const std::string& program, std::string_view what) {
  return MakeError(ErrorKind::kOther, "running " + program + " failed: " + std::string(what));
}

}  // namespace preflight

#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "platform/process_runner.h"
#include "platform/result.h"

// What both process runners decide and say that is not an OS call: which requests they refuse,
// how much output they keep, how a run that went wrong is worded. Pure: no OS headers.

namespace preflight {

// The ProcessRunner rules every OS shares, in this order: a program is named, no argument holds a
// NUL byte (it would end the C string the OS sees, so the child would get other arguments than
// the caller's), the timeout is positive. kInvalid with the reason, or nothing. Whether the
// program path is absolute is the OS runner's check: each OS spells an absolute path its way.
std::optional<Error> CheckRunRequest(const std::vector<std::string>& argv,
                                     std::chrono::milliseconds timeout);

// The runners' refusal of a program that is not named by an absolute path (never a PATH search).
Error NotAbsoluteError(const std::string& program);

// One output stream of the child: keeps the first `cap` bytes and marks the rest as cut off. The
// runner keeps reading (and discarding) past the cap, so a chatty child never blocks on a full
// pipe.
class CappedOutput {
 public:
  explicit CappedOutput(std::size_t cap) : cap_(cap) {}

  void Keep(std::string_view chunk);
  bool Truncated() const { return truncated_; }
  const std::string& Data() const { return data_; }
  std::string Take() { return std::move(data_); }

 private:
  std::size_t cap_;
  std::string data_;
  bool truncated_ = false;
};

// How a child that ran to its end ended. A signal death follows the shell convention: exit_code
// = 128 + term_signal. exit_code -1 when it is unknown (the child was reaped elsewhere).
struct ChildEnd {
  int exit_code = -1;
  int term_signal = 0;
};

// The ProcessOutput of a finished run; `truncated` when either stream was cut off.
ProcessOutput FinishedOutput(ChildEnd end, CappedOutput& out, CappedOutput& err);

// The kTimeout error of a run that reached its deadline: `killed` when the child still ran then;
// otherwise it had exited with `exit_code` but something it started held its output open.
Error TimedOutError(const std::string& program, std::chrono::milliseconds timeout, bool killed,
                    int exit_code);

// The kOther error of a run that failed after the child started (an exception from the I/O loop).
Error RunFailedError(const std::string& program, std::string_view what);

}  // namespace preflight

#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/readable_pipe.hpp>
#include <chrono>
#include <cstddef>
#include <exception>
#include <string>
#include <utility>
#include <vector>

#include "platform/process_output.h"
#include "platform/process_runner.h"
#include "platform/result.h"

namespace preflight {

// One run of a child process, the part both runners share: its own io_context (so concurrent
// runs on other threads share nothing), both output pipes read to their caps and drained past
// them, the deadline, and the verdict on how the run ended. An OS runner derives from it and
// supplies what is an OS call: starting the child on the pipes, noticing that it is gone,
// killing it.
class ProcessSession {
 public:
  virtual ~ProcessSession() = default;
  ProcessSession(const ProcessSession&) = delete;
  ProcessSession& operator=(const ProcessSession&) = delete;

  // Launch, then read both pipes until the child is gone and both reached end-of-file, or until
  // `timeout`, when the child is killed and the pipes closed.
  Result<ProcessOutput> Run(const std::string& program, std::chrono::milliseconds timeout);

 protected:
  explicit ProcessSession(std::size_t max_output);

  boost::asio::io_context& Context() { return ctx_; }
  boost::asio::readable_pipe& OutPipe() { return out_.pipe; }
  boost::asio::readable_pipe& ErrPipe() { return err_.pipe; }

  // The OS part calls this once the child is gone: exited, or can no longer be waited for.
  void ChildGone();
  bool Gone() const { return gone_; }
  // The deadline has passed: what the OS part learns about the child from now on is too late.
  bool TimedOut() const { return timed_out_; }

  // Starts the child with stdout on OutPipe() and stderr on ErrPipe(), stdin the null device.
  virtual Result<Done> Launch() = 0;
  // Arranges, on Context(), for ChildGone() to be called when the child is gone.
  virtual void WatchExit() = 0;
  // The deadline passed with the child or its output still there: kill what runs and stop
  // watching. Returns whether a child still running was killed.
  virtual bool KillAtDeadline() = 0;
  // The I/O loop failed: the child must not outlive the run.
  virtual void KillAfterFailure() = 0;
  // After the loop, when KillAtDeadline killed the child (to reap it, say).
  virtual void AfterKill() {}
  // How the child ended; asked once it is gone.
  virtual ChildEnd End() const = 0;

 private:
  struct Stream {
    Stream(boost::asio::io_context& ctx, std::size_t cap);
    boost::asio::readable_pipe pipe;
    std::vector<char> buffer;
    CappedOutput output;
    bool done = false;
  };

  void Read(Stream& stream);
  bool Finished() const { return gone_ && out_.done && err_.done; }
  void FinishIfDone();
  void OnDeadline();

  // First member: the pipes and timers here and in a derived class must go before it.
  boost::asio::io_context ctx_{1};
  Stream out_;
  Stream err_;
  bool gone_ = false;
  bool timed_out_ = false;
  bool killed_ = false;  // a running child was killed at the deadline
};

// Builds a `Session` (a ProcessSession) from `args` and runs it; an exception, from creating the
// io_context or the pipes say, becomes the run's error.
template <class Session, class... Args>
Result<ProcessOutput> RunSession(const std::string& program, std::chrono::milliseconds timeout,
                                 Args&&... args) {
  try {
    Session session(std::forward<Args>(args)...);
    return session.Run(program, timeout);
  } catch (const std::exception& e) {
    return RunFailedError(program, e.what());
  }
}

}  // namespace preflight

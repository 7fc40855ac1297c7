#include "platform/process_session.h"

#include <boost/asio/buffer.hpp>
#include <exception>
#include <string_view>

namespace preflight {
namespace {

// pipe(7): a Linux pipe holds 64 KiB by default; a Windows pipe buffer is 4 KiB by default.
// 16 KiB reads drain either in a few wake-ups.
constexpr std::size_t kReadChunk = std::size_t{16} * 1024;

}  // namespace

ProcessSession::Stream::Stream(boost::asio::io_context& ctx, std::size_t cap)
    : pipe(ctx), buffer(kReadChunk), output(cap) {}

ProcessSession::ProcessSession(std::size_t max_output)
    : out_(ctx_, max_output), err_(ctx_, max_output) {}

Result<ProcessOutput> ProcessSession::Run(const std::string& program,
                                          std::chrono::milliseconds timeout) {
  if (auto launched = Launch(); !launched.Ok()) return launched.Err();
  try {
    Read(out_);
    Read(err_);
    WatchExit();
    // The deadline is the loop's own bound, not a timer: on Windows every io_context with a
    // timer starts a thread for it (Boost.Asio's win_iocp_io_context), one more thread per run.
    ctx_.run_for(timeout);
    if (!ctx_.stopped() && !Finished()) {
      OnDeadline();
      ctx_.run();  // what the kill and the closed pipes complete; nothing waits any longer
    }
  } catch (const std::exception& e) {
    KillAfterFailure();
    return RunFailedError(program, e.what());
  }
  if (timed_out_) {
    if (killed_) AfterKill();
    return TimedOutError(program, timeout, killed_, End().exit_code);
  }
  return FinishedOutput(End(), out_.output, err_.output);
}

void ProcessSession::ChildGone() {
  gone_ = true;
  FinishIfDone();
}

void ProcessSession::Read(Stream& stream) {
  stream.pipe.async_read_some(boost::asio::buffer(stream.buffer),
                              [this, &stream](const boost::system::error_code& ec, std::size_t n) {
                                stream.output.Keep(std::string_view(stream.buffer.data(), n));
                                if (ec) {  // end of file, or closed at the deadline
                                  stream.done = true;
                                  FinishIfDone();
                                  return;
                                }
                                Read(stream);
                              });
}

void ProcessSession::FinishIfDone() {
  if (Finished()) ctx_.stop();
}

void ProcessSession::OnDeadline() {
  timed_out_ = true;
  // Decided now: the exit the kill causes may still be reported after this.
  killed_ = KillAtDeadline();
  boost::system::error_code ignored;
  out_.pipe.close(ignored);
  err_.pipe.close(ignored);
}

}  // namespace preflight

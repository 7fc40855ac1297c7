// The only translation unit that includes Boost.Process: it is heavy to compile.

// Boost 1.81 with BOOST_PROCESS_USE_STD_FS misses these includes (reference/toolchain.md §1).
#include <boost/optional.hpp>
#include <boost/type_traits.hpp>
#include <type_traits>

#include <algorithm>
#include <boost/asio/buffer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/readable_pipe.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/process/v2.hpp>
#include <chrono>
#include <exception>
#include <memory>
#include <string>
#include <vector>

#include "platform/linux/posix_child.h"
#include "platform/process_runner.h"

namespace preflight {
namespace {

namespace asio = boost::asio;
namespace bp = boost::process::v2;
using boost::system::errc::errc_t;
using SysError = boost::system::error_code;

// pipe(7): a pipe holds 64 KiB by default; 16 KiB reads drain it in a few wake-ups.
constexpr std::size_t kReadChunk = std::size_t{16} * 1024;
// A child usually exits as its output closes, so the first exit polls come fast; the step then
// grows, so one that closed its output early costs at most 40 wake-ups a second.
constexpr auto kFirstPoll = std::chrono::milliseconds(1);
constexpr auto kMaxPoll = std::chrono::milliseconds(25);

// Child-side hooks for the Boost launcher (posix/default_launcher.hpp). Boost 1.81 detects
// on_exec_error by a 5-argument call and then calls it with 4, so a variadic member matches both.
struct ChildSetup {
  SysError on_exec_setup(  // NOLINT(readability-identifier-naming): Boost's hook name
      bp::posix::default_launcher& /*launcher*/, const bp::filesystem::path& /*exe*/,
      const char* const* /*argv*/) {
    const int err = posix_child::PrepareBeforeExec();
    return err == 0 ? SysError() : SysError(err, boost::system::system_category());
  }
  template <class... Args>
  void on_exec_error(Args&&... /*args*/) {  // NOLINT(readability-identifier-naming)
    posix_child::ExitAfterFailedExec();
  }
};

Error LaunchError(const std::string& program, const SysError& ec) {
  if (ec == errc_t::no_such_file_or_directory || ec == errc_t::not_a_directory) {
    return MakeError(ErrorKind::kNotFound,
                     "program not found: " + program + " (or its script interpreter is missing)");
  }
  if (ec == errc_t::permission_denied || ec == errc_t::operation_not_permitted) {
    return MakeError(ErrorKind::kPermission,
                     "permission denied running " + program +
                         ": it is not executable, is a directory, or is on a noexec mount");
  }
  if (ec == errc_t::executable_format_error) {
    return MakeError(ErrorKind::kInvalid, program + " is not in an executable format");
  }
  return MakeError(ErrorKind::kOther, "could not start " + program + ": " + ec.message());
}

// One output stream of the child: keeps the first `cap` bytes and drains the rest, so a chatty
// child never blocks on a full pipe.
struct Capture {
  Capture(asio::io_context& ctx, std::size_t max_bytes)
      : pipe(ctx), cap(max_bytes), buffer(kReadChunk) {}

  void Keep(std::size_t n) {
    const std::size_t take = std::min(n, cap - data.size());
    data.append(buffer.data(), take);
    if (take < n) truncated = true;
  }

  asio::readable_pipe pipe;
  std::size_t cap;
  std::vector<char> buffer;
  std::string data;
  bool truncated = false;
  bool done = false;
};

// One Run: its own io_context, so concurrent runs on other threads share nothing.
class Session {
 public:
  explicit Session(std::size_t max_output)
      : out_(ctx_, max_output), err_(ctx_, max_output), deadline_(ctx_), poll_(ctx_) {}

  Result<ProcessOutput> Run(const std::vector<std::string>& argv,
                            std::chrono::milliseconds timeout) {
    if (Result<int> started = Launch(argv); started.Ok()) {
      pid_ = started.Value();
    } else {
      return started.Err();
    }
    try {
      Read(out_);
      Read(err_);
      deadline_.expires_after(timeout);
      deadline_.async_wait([this](const SysError& ec) { OnDeadline(ec); });
      SchedulePoll(kFirstPoll);
      ctx_.run();
    } catch (const std::exception& e) {
      if (!exited_) {
        posix_child::KillGroup(pid_);
        posix_child::ReapKilled(pid_);
      }
      return MakeError(ErrorKind::kOther, "running " + argv[0] + " failed: " + e.what());
    }
    const std::string limit = std::to_string(timeout.count()) + " ms";
    if (timed_out_ && !exited_) {
      posix_child::ReapKilled(pid_);
      return MakeError(ErrorKind::kTimeout,
                       argv[0] + " did not finish within " + limit + " and was killed");
    }
    if (timed_out_) {
      return MakeError(ErrorKind::kTimeout,
                       argv[0] + " exited with code " + std::to_string(exit_.exit_code) +
                           " but its output stayed open past the " + limit +
                           " timeout (a background process it started holds it)");
    }
    ProcessOutput result;
    // When the child was reaped elsewhere (kLost) its exit code is unknown and stays -1.
    result.exit_code = exit_.exit_code;
    result.term_signal = exit_.term_signal;
    result.out = std::move(out_.data);
    result.err = std::move(err_.data);
    result.truncated = out_.truncated || err_.truncated;
    return result;
  }

 private:
  Result<int> Launch(const std::vector<std::string>& argv) {
    const bp::filesystem::path exe(argv[0]);
    const std::vector<std::string> args(argv.begin() + 1, argv.end());
    // stdin from the null device; the bindings close the child's pipe ends when `stdio` dies,
    // which must happen before reading, or the reads would never see end-of-file.
    bp::process_stdio stdio{nullptr, out_.pipe, err_.pipe};
    if (stdio.out.ec || stdio.err.ec) {
      const SysError& ec = stdio.out.ec ? stdio.out.ec : stdio.err.ec;
      return MakeError(ErrorKind::kOther,
                       "could not create pipes for " + argv[0] + ": " + ec.message());
    }
    bp::default_process_launcher launcher;
    SysError ec;
    int pid = -1;
    try {
      auto process = launcher(ctx_.get_executor(), ec, exe, args, stdio, ChildSetup{});
      if (!ec) {
        pid = process.id();
        // We wait and kill by pid ourselves; a detached Boost handle never kills on destruction.
        (void)process.detach();
      }
    } catch (const std::exception& e) {
      // Boost 1.81 opens a pidfd for a child that already runs (pidfd_open(2) needs Linux 5.3);
      // on older kernels, RHEL 7 and 8 among them, that throws. The pid is all we need.
      if (launcher.pid <= 0) {
        return MakeError(ErrorKind::kOther, "could not start " + argv[0] + ": " + e.what());
      }
      pid = launcher.pid;
    }
    if (ec) {
      // Forked but exec failed: the child reported errno and is exiting, so the wait is short.
      posix_child::ReapFailed(launcher.pid);
      return LaunchError(argv[0], ec);
    }
    return pid;
  }

  void Read(Capture& capture) {
    capture.pipe.async_read_some(asio::buffer(capture.buffer),
                                 [this, &capture](const SysError& ec, std::size_t n) {
                                   capture.Keep(n);
                                   if (ec) {  // end of file, or closed at the deadline
                                     capture.done = true;
                                     FinishIfDone();
                                     return;
                                   }
                                   Read(capture);
                                 });
  }

  void SchedulePoll(std::chrono::milliseconds step) {
    poll_.expires_after(step);
    poll_.async_wait([this, step](const SysError& ec) {
      if (ec || timed_out_) return;
      switch (posix_child::Poll(pid_, exit_)) {
        case posix_child::ChildState::kRunning:
          SchedulePoll(std::min(step * 2, std::chrono::milliseconds(kMaxPoll)));
          return;
        case posix_child::ChildState::kExited:
        case posix_child::ChildState::kLost:
          exited_ = true;
          FinishIfDone();
          return;
      }
    });
  }

  bool Done() const { return exited_ && out_.done && err_.done; }

  void FinishIfDone() {
    if (Done()) deadline_.cancel();
  }

  void OnDeadline(const SysError& ec) {
    if (ec || Done()) return;  // cancelled, or finished as the timer fired
    timed_out_ = true;
    // Once reaped, the pid may belong to someone else: only a live child is killed.
    if (!exited_) posix_child::KillGroup(pid_);
    SysError ignored;
    out_.pipe.close(ignored);
    err_.pipe.close(ignored);
    poll_.cancel();
  }

  asio::io_context ctx_{1};  // first member: the pipes and timers below must go before it
  Capture out_;
  Capture err_;
  asio::steady_timer deadline_;
  asio::steady_timer poll_;
  int pid_ = -1;
  bool exited_ = false;
  bool timed_out_ = false;
  posix_child::ChildExit exit_;
};

class BoostProcessRunner final : public ProcessRunner {
 public:
  Result<ProcessOutput> Run(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
                            std::size_t max_output) override {
    if (argv.empty()) return MakeError(ErrorKind::kInvalid, "no program given");
    // Never a PATH search and never a shell: the caller names the exact binary.
    if (!bp::filesystem::path(argv[0]).is_absolute()) {
      return MakeError(ErrorKind::kInvalid, "program path is not absolute: " + argv[0]);
    }
    for (const std::string& arg : argv) {
      if (arg.find('\0') != std::string::npos) {
        return MakeError(ErrorKind::kInvalid, "an argument for " + argv[0] + " holds a NUL byte");
      }
    }
    if (timeout.count() <= 0) {
      return MakeError(ErrorKind::kInvalid, "timeout for " + argv[0] + " is not positive");
    }
    try {
      return Session(max_output).Run(argv, timeout);
    } catch (const std::exception& e) {
      return MakeError(ErrorKind::kOther, "running " + argv[0] + " failed: " + e.what());
    }
  }
};

}  // namespace

std::unique_ptr<ProcessRunner> MakeProcessRunner() {
  return std::make_unique<BoostProcessRunner>();
}

}  // namespace preflight

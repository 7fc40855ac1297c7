// The only translation unit that includes Boost.Process: it is heavy to compile.

// Boost 1.81 with BOOST_PROCESS_USE_STD_FS misses these includes (reference/toolchain.md §1).
#include <boost/optional.hpp>
#include <boost/type_traits.hpp>
#include <type_traits>

#include <algorithm>
#include <boost/asio/steady_timer.hpp>
#include <boost/process/v2.hpp>
#include <chrono>
#include <exception>
#include <memory>
#include <string>
#include <vector>

#include "platform/linux/posix_child.h"
#include "platform/process_output.h"
#include "platform/process_runner.h"
#include "platform/process_session.h"

namespace preflight {
namespace {

namespace asio = boost::asio;
namespace bp = boost::process::v2;
using boost::system::errc::errc_t;
using SysError = boost::system::error_code;

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

// One Run on Linux: Boost's POSIX launcher with the posix_child hooks, exit noticed by polling
// waitpid, kill by process group.
class LinuxSession final : public ProcessSession {
 public:
  LinuxSession(const std::vector<std::string>& argv, std::size_t max_output)
      : ProcessSession(max_output), argv_(argv), poll_(Context()) {}

 private:
  Result<Done> Launch() override {
    const bp::filesystem::path exe(argv_[0]);
    const std::vector<std::string> args(argv_.begin() + 1, argv_.end());
    // stdin from the null device; the bindings close the child's pipe ends when `stdio` dies,
    // which must happen before reading, or the reads would never see end-of-file.
    bp::process_stdio stdio{nullptr, OutPipe(), ErrPipe()};
    if (stdio.out.ec || stdio.err.ec) {
      const SysError& ec = stdio.out.ec ? stdio.out.ec : stdio.err.ec;
      return MakeError(ErrorKind::kOther,
                       "could not create pipes for " + argv_[0] + ": " + ec.message());
    }
    bp::default_process_launcher launcher;
    SysError ec;
    try {
      auto process = launcher(Context().get_executor(), ec, exe, args, stdio, ChildSetup{});
      if (!ec) {
        pid_ = process.id();
        // We wait and kill by pid ourselves; a detached Boost handle never kills on destruction.
        (void)process.detach();
      }
    } catch (const std::exception& e) {
      // Boost 1.81 opens a pidfd for a child that already runs (pidfd_open(2) needs Linux 5.3);
      // on older kernels, RHEL 7 and 8 among them, that throws. The pid is all we need.
      if (launcher.pid <= 0) {
        return MakeError(ErrorKind::kOther, "could not start " + argv_[0] + ": " + e.what());
      }
      pid_ = launcher.pid;
    }
    if (ec) {
      // Forked but exec failed: the child reported errno and is exiting, so the wait is short.
      posix_child::ReapFailed(launcher.pid);
      return LaunchError(argv_[0], ec);
    }
    return Done{};
  }

  void WatchExit() override { SchedulePoll(kFirstPoll); }

  void SchedulePoll(std::chrono::milliseconds step) {
    poll_.expires_after(step);
    poll_.async_wait([this, step](const SysError& ec) {
      // Past the deadline the child is killed and reaped after the loop: never reap it here.
      if (ec || TimedOut()) return;
      switch (posix_child::Poll(pid_, exit_)) {
        case posix_child::ChildState::kRunning:
          SchedulePoll(std::min(step * 2, std::chrono::milliseconds(kMaxPoll)));
          return;
        case posix_child::ChildState::kExited:
        case posix_child::ChildState::kLost:
          ChildGone();
          return;
      }
    });
  }

  bool KillAtDeadline() override {
    poll_.cancel();
    // Once reaped, the pid may belong to someone else: only a live child is killed.
    if (Gone()) return false;
    posix_child::KillGroup(pid_);
    return true;
  }

  void KillAfterFailure() override {
    if (Gone()) return;
    posix_child::KillGroup(pid_);
    posix_child::ReapKilled(pid_);
  }

  void AfterKill() override { posix_child::ReapKilled(pid_); }

  // When the child was reaped elsewhere (kLost) its exit code is unknown and stays -1.
  ChildEnd End() const override { return {exit_.exit_code, exit_.term_signal}; }

  const std::vector<std::string>& argv_;
  asio::steady_timer poll_;
  int pid_ = -1;
  posix_child::ChildExit exit_;
};

class BoostProcessRunner final : public ProcessRunner {
 public:
  Result<ProcessOutput> Run(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
                            std::size_t max_output) override {
    if (auto refused = CheckRunRequest(argv, timeout)) return *refused;
    // Never a PATH search and never a shell: the caller names the exact binary.
    if (!bp::filesystem::path(argv[0]).is_absolute()) return NotAbsoluteError(argv[0]);
    return RunSession<LinuxSession>(argv[0], timeout, argv, max_output);
  }
};

}  // namespace

std::unique_ptr<ProcessRunner> MakeProcessRunner() {
  return std::make_unique<BoostProcessRunner>();
}

}  // namespace preflight

// The only Windows translation unit that includes Boost.Process: it is heavy to compile. Not shared
// with platform/linux/process_runner_linux.cpp, whose launch, wait and kill are POSIX (fork hooks,
// waitpid polling, process groups); here a job object, a process handle and a quoted command line
// take their places, and only the capture loop looks alike.

// Boost 1.81 with BOOST_PROCESS_USE_STD_FS misses these includes (reference/toolchain.md §1).
#include <boost/optional.hpp>
#include <boost/type_traits.hpp>
#include <type_traits>

#include <windows.h>

#include <algorithm>
#include <boost/asio/buffer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/readable_pipe.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/windows/object_handle.hpp>
#include <boost/process/v2.hpp>
#include <chrono>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "platform/process_runner.h"
#include "platform/windows/win32_util.h"
#include "platform/windows_command_line.h"

namespace preflight {
namespace {

namespace asio = boost::asio;
namespace bp = boost::process::v2;
using SysError = boost::system::error_code;

// A pipe buffer is 4 KiB by default on Windows; 16 KiB reads keep up with any child.
constexpr std::size_t kReadChunk = 16 * 1024;
// The exit code a timed-out child is killed with; only the kTimeout error is reported.
constexpr UINT kKilledExitCode = 1;

// Handles that a child inherits are all inheritable handles of the parent at CreateProcess time
// (bInheritHandles). Run() on another thread could otherwise pass its pipe's write end to our
// child, and its reads would then wait for our child to exit. So pipes are made, the child is
// started and the child's pipe ends are closed again under one lock.
std::mutex& LaunchMutex() {
  static std::mutex mutex;
  return mutex;
}

// A job that kills every process in it when its last handle closes
// (https://learn.microsoft.com/windows/win32/api/winnt/ns-winnt-jobobject_basic_limit_information),
// so a timed-out child's own children die with it and never outlive the run.
win32::UniqueHandle MakeKillJob() {
  HANDLE raw = ::CreateJobObjectW(nullptr, nullptr);
  if (raw == nullptr) return {};
  win32::UniqueHandle job(raw);
  JOBOBJECT_EXTENDED_LIMIT_INFORMATION limits{};
  limits.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
  if (!::SetInformationJobObject(job.get(), JobObjectExtendedLimitInformation, &limits,
                                 sizeof limits)) {
    return {};
  }
  return job;
}

// Launch hooks for Boost's Windows launcher (boost/process/v2/windows/default_launcher.hpp calls
// on_setup before CreateProcessW and on_success after it).
struct LaunchSetup {
  std::wstring command_line;
  HANDLE job = nullptr;
  bool in_job = false;

  SysError on_setup(bp::windows::default_launcher& launcher, const bp::filesystem::path& /*exe*/,
                    std::wstring& cmd_line) {
    // Boost 1.81 quotes only arguments with spaces and never doubles backslashes before a quote,
    // so the child would see other arguments than ours: the line is built here instead.
    cmd_line = command_line;
    // Suspended until it is in the job, so not even a first grandchild escapes the kill; no
    // console window, also when the agent runs as a service.
    launcher.creation_flags |= CREATE_SUSPENDED | CREATE_NO_WINDOW;
    return {};
  }

  void on_success(bp::windows::default_launcher& launcher, const bp::filesystem::path& /*exe*/,
                  std::wstring& /*cmd_line*/) {
    // Fails where jobs cannot nest (before Windows 8); the child alone is then killed.
    in_job = job != nullptr &&
             ::AssignProcessToJobObject(job, launcher.process_information.hProcess) != 0;
    ::ResumeThread(launcher.process_information.hThread);
  }
};

Error LaunchError(const std::string& program, const SysError& ec) {
  switch (static_cast<DWORD>(ec.value())) {
    case ERROR_FILE_NOT_FOUND:
    case ERROR_PATH_NOT_FOUND:
      return MakeError(ErrorKind::kNotFound, "program not found: " + program);
    case ERROR_ACCESS_DENIED:
      return MakeError(ErrorKind::kPermission, "permission denied running " + program);
    case ERROR_BAD_EXE_FORMAT:
    case ERROR_EXE_MACHINE_TYPE_MISMATCH:
      return MakeError(ErrorKind::kInvalid, program + " is not a program Windows can run");
    default:
      return MakeError(ErrorKind::kOther, "could not start " + program + ": " +
                                              win32::Win32Message(static_cast<DWORD>(ec.value())));
  }
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
      : out_(ctx_, max_output), err_(ctx_, max_output), deadline_(ctx_), process_(ctx_) {}

  Result<ProcessOutput> Run(const std::vector<std::string>& argv, const std::wstring& exe,
                            const std::wstring& command_line, std::chrono::milliseconds timeout) {
    job_ = MakeKillJob();
    if (auto launched = Launch(argv[0], exe, command_line); !launched.Ok()) return launched.Err();
    try {
      Read(out_);
      Read(err_);
      process_.async_wait([this](const SysError& ec) {
        DWORD code = 0;
        if (!ec && ::GetExitCodeProcess(process_.native_handle(), &code)) {
          exit_code_ = static_cast<int>(code);  // NTSTATUS crash codes come out negative
          exited_ = true;
        }
        waited_ = true;
        FinishIfDone();
      });
      deadline_.expires_after(timeout);
      deadline_.async_wait([this](const SysError& ec) { OnDeadline(ec); });
      ctx_.run();
    } catch (const std::exception& e) {
      Kill();
      return MakeError(ErrorKind::kOther, "running " + argv[0] + " failed: " + e.what());
    }
    const std::string limit = std::to_string(timeout.count()) + " ms";
    if (timed_out_ && killed_) {
      return MakeError(ErrorKind::kTimeout,
                       argv[0] + " did not finish within " + limit + " and was killed");
    }
    if (timed_out_) {
      return MakeError(ErrorKind::kTimeout,
                       argv[0] + " exited with code " + std::to_string(exit_code_) +
                           " but its output stayed open past the " + limit +
                           " timeout (a background process it started holds it)");
    }
    ProcessOutput result;
    result.exit_code = exit_code_;
    result.out = std::move(out_.data);
    result.err = std::move(err_.data);
    result.truncated = out_.truncated || err_.truncated;
    return result;
  }

 private:
  Result<Done> Launch(const std::string& program, const std::wstring& exe,
                      const std::wstring& command_line) {
    LaunchSetup setup{command_line, job_.get()};
    SysError ec;
    const std::lock_guard<std::mutex> lock(LaunchMutex());
    // stdin from the NUL device; the bindings close the child's pipe ends when `stdio` dies,
    // which must happen before reading, or the reads would never see end-of-file.
    bp::process_stdio stdio{nullptr, out_.pipe, err_.pipe};
    const std::vector<std::wstring> no_args;  // the whole command line comes from `setup`
    auto process = bp::default_process_launcher()(ctx_.get_executor(), ec,
                                                  bp::filesystem::path(exe), no_args, stdio, setup);
    if (ec) return LaunchError(program, ec);
    in_job_ = setup.in_job;
    // Our own handle to wait on (and cancel the wait); Boost's, once detached, only closes.
    HANDLE own = nullptr;
    if (!::DuplicateHandle(::GetCurrentProcess(), process.native_handle(), ::GetCurrentProcess(),
                           &own, 0, FALSE, DUPLICATE_SAME_ACCESS)) {
      const DWORD error = ::GetLastError();
      process.terminate(ec);  // the child's ends are closed here, so it cannot outlive us silently
      return win32::Win32Error("cannot keep a handle to " + program, error);
    }
    process_.assign(own);
    (void)process.detach();
    return Done{};
  }

  void Read(Capture& capture) {
    capture.pipe.async_read_some(asio::buffer(capture.buffer),
                                 [this, &capture](const SysError& ec, std::size_t n) {
                                   capture.Keep(n);
                                   if (ec) {  // the write end closed, or closed at the deadline
                                     capture.done = true;
                                     FinishIfDone();
                                     return;
                                   }
                                   Read(capture);
                                 });
  }

  bool Finished() const { return waited_ && out_.done && err_.done; }

  void FinishIfDone() {
    if (Finished()) deadline_.cancel();
  }

  void Kill() {
    if (in_job_) {
      ::TerminateJobObject(job_.get(), kKilledExitCode);
    } else if (process_.is_open() && !exited_) {
      ::TerminateProcess(process_.native_handle(), kKilledExitCode);
    }
  }

  void OnDeadline(const SysError& ec) {
    if (ec || Finished()) return;  // cancelled, or finished as the timer fired
    timed_out_ = true;
    // Decided now: the exit the kill causes may still be reported after this.
    killed_ = !exited_;
    // The whole job: a grandchild holding the output open dies too.
    Kill();
    SysError ignored;
    out_.pipe.close(ignored);
    err_.pipe.close(ignored);
    // Killing is asynchronous; a process stuck in the kernel must not hold the run past its
    // timeout.
    process_.cancel(ignored);
  }

  asio::io_context ctx_{1};  // first member: the pipes and timers below must go before it
  Capture out_;
  Capture err_;
  asio::steady_timer deadline_;
  asio::windows::object_handle process_;  // signalled when the child exits
  win32::UniqueHandle job_;               // closing it kills whatever the child left running
  bool in_job_ = false;
  bool waited_ = false;
  bool exited_ = false;
  bool timed_out_ = false;
  bool killed_ = false;  // still running at the deadline
  int exit_code_ = -1;
};

class WindowsProcessRunner final : public ProcessRunner {
 public:
  Result<ProcessOutput> Run(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
                            std::size_t max_output) override {
    if (argv.empty()) return MakeError(ErrorKind::kInvalid, "no program given");
    for (const std::string& arg : argv) {
      if (arg.find('\0') != std::string::npos) {
        return MakeError(ErrorKind::kInvalid, "an argument for " + argv[0] + " holds a NUL byte");
      }
    }
    auto exe = win32::Wide(argv[0], "the program path " + argv[0]);
    if (!exe.Ok()) return exe.Err();
    // Never a PATH search and never a shell: the caller names the exact binary.
    if (!bp::filesystem::path(exe.Value()).is_absolute()) {
      return MakeError(ErrorKind::kInvalid, "program path is not absolute: " + argv[0]);
    }
    const auto line = BuildWindowsCommandLine(argv);
    if (!line) return MakeError(ErrorKind::kInvalid, "program path holds a quote: " + argv[0]);
    auto wide_line = win32::Wide(*line, "an argument for " + argv[0]);
    if (!wide_line.Ok()) return wide_line.Err();
    if (timeout.count() <= 0) {
      return MakeError(ErrorKind::kInvalid, "timeout for " + argv[0] + " is not positive");
    }
    try {
      return Session(max_output).Run(argv, exe.Value(), wide_line.Value(), timeout);
    } catch (const std::exception& e) {
      return MakeError(ErrorKind::kOther, "running " + argv[0] + " failed: " + e.what());
    }
  }
};

}  // namespace

std::unique_ptr<ProcessRunner> MakeProcessRunner() {
  return std::make_unique<WindowsProcessRunner>();
}

}  // namespace preflight

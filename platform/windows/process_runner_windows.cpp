// The only Windows translation unit that includes Boost.Process: it is heavy to compile. The
// capture loop, the deadline and the wording are platform/process_session.cpp, shared with Linux;
// here is what is Windows: a job object, a process handle and a quoted command line take the
// places of Linux's fork hooks, waitpid polling and process groups.

// Boost 1.81 with BOOST_PROCESS_USE_STD_FS misses these includes (reference/toolchain.md §1).
#include <boost/optional.hpp>
#include <boost/type_traits.hpp>
#include <type_traits>

#include <windows.h>

#include <boost/asio/windows/object_handle.hpp>
#include <boost/process/v2.hpp>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "platform/process_output.h"
#include "platform/process_runner.h"
#include "platform/process_session.h"
#include "platform/windows/win32_util.h"
#include "platform/windows_command_line.h"

namespace preflight {
namespace {

namespace asio = boost::asio;
namespace bp = boost::process::v2;
using SysError = boost::system::error_code;

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

  // NOLINTNEXTLINE(readability-identifier-naming): the name Boost.Process v2's launcher calls.
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

  // NOLINTNEXTLINE(readability-identifier-naming): the name Boost.Process v2's launcher calls.
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

// One Run on Windows: Boost's Windows launcher with our command line, the child in a kill-on-close
// job, its exit noticed by waiting on its process handle.
class WindowsSession final : public ProcessSession {
 public:
  WindowsSession(std::string program, std::wstring exe, std::wstring command_line,
                 std::size_t max_output)
      : ProcessSession(max_output),
        program_(std::move(program)),
        exe_(std::move(exe)),
        command_line_(std::move(command_line)),
        process_(Context()) {}

 private:
  Result<Done> Launch() override {
    job_ = MakeKillJob();
    LaunchSetup setup{command_line_, job_.get()};
    SysError ec;
    const std::lock_guard<std::mutex> lock(LaunchMutex());
    // stdin from the NUL device; the bindings close the child's pipe ends when `stdio` dies,
    // which must happen before reading, or the reads would never see end-of-file.
    bp::process_stdio stdio{nullptr, OutPipe(), ErrPipe()};
    const std::vector<std::wstring> no_args;  // the whole command line comes from `setup`
    auto process = bp::default_process_launcher()(
        Context().get_executor(), ec, bp::filesystem::path(exe_), no_args, stdio, setup);
    if (ec) return LaunchError(program_, ec);
    in_job_ = setup.in_job;
    // Our own handle to wait on (and cancel the wait); Boost's, once detached, only closes.
    HANDLE own = nullptr;
    if (!::DuplicateHandle(::GetCurrentProcess(), process.native_handle(), ::GetCurrentProcess(),
                           &own, 0, FALSE, DUPLICATE_SAME_ACCESS)) {
      const DWORD error = ::GetLastError();
      process.terminate(ec);  // the child's ends are closed here, so it cannot outlive us silently
      return win32::Win32Error("cannot keep a handle to " + program_, error);
    }
    process_.assign(own);
    (void)process.detach();
    return Done{};
  }

  void WatchExit() override {
    process_.async_wait([this](const SysError& ec) {
      DWORD code = 0;
      if (!ec && ::GetExitCodeProcess(process_.native_handle(), &code)) {
        exit_code_ = static_cast<int>(code);  // NTSTATUS crash codes come out negative
        exited_ = true;
      }
      ChildGone();
    });
  }

  void Kill() {
    if (in_job_) {
      ::TerminateJobObject(job_.get(), kKilledExitCode);
    } else if (process_.is_open() && !exited_) {
      ::TerminateProcess(process_.native_handle(), kKilledExitCode);
    }
  }

  bool KillAtDeadline() override {
    const bool running = !exited_;
    // The whole job: a grandchild holding the output open dies too.
    Kill();
    // Killing is asynchronous; a process stuck in the kernel must not hold the run past its
    // timeout.
    SysError ignored;
    process_.cancel(ignored);
    return running;
  }

  void KillAfterFailure() override { Kill(); }

  ChildEnd End() const override { return {exit_code_, 0}; }

  std::string program_;
  std::wstring exe_;
  std::wstring command_line_;
  asio::windows::object_handle process_;  // signalled when the child exits
  win32::UniqueHandle job_;               // closing it kills whatever the child left running
  bool in_job_ = false;
  bool exited_ = false;
  int exit_code_ = -1;
};

class WindowsProcessRunner final : public ProcessRunner {
 public:
  Result<ProcessOutput> Run(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
                            std::size_t max_output) override {
    if (auto refused = CheckRunRequest(argv, timeout)) return *refused;
    auto exe = win32::Wide(argv[0], "the program path " + argv[0]);
    if (!exe.Ok()) return exe.Err();
    // Never a PATH search and never a shell: the caller names the exact binary.
    if (!bp::filesystem::path(exe.Value()).is_absolute()) return NotAbsoluteError(argv[0]);
    const auto line = BuildWindowsCommandLine(argv);
    if (!line) return MakeError(ErrorKind::kInvalid, "program path holds a quote: " + argv[0]);
    auto wide_line = win32::Wide(*line, "an argument for " + argv[0]);
    if (!wide_line.Ok()) return wide_line.Err();
    return RunSession<WindowsSession>(argv[0], timeout, argv[0], std::move(exe).Value(),
                                      std::move(wide_line).Value(), max_output);
  }
};

}  // namespace

std::unique_ptr<ProcessRunner> MakeProcessRunner() {
  return std::make_unique<WindowsProcessRunner>();
}

}  // namespace preflight

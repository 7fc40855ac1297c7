// `mde-preflight service` under the Windows service control manager: the same binary is a
// console program and a service (osquery's pattern: try the dispatcher, fall back to the CLI).
// https://learn.microsoft.com/windows/win32/services/service-programs

#include <windows.h>

#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <iostream>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "agent/app.h"
#include "agent/service_host.h"
#include "agent/service_windows.h"
#include "platform/process_exit.h"
#include "platform/stop_signal.h"
#include "platform/windows/win32_util.h"

namespace preflight {
namespace {

// How long a stop waits for the service loop to end. The loop itself leaves within its own
// kStopGrace (service_loop.h) even mid-check; this is the backstop should that ever fail. Past it
// the process leaves without the run: the report is written atomically, so the file on disk
// stays the last complete one. Below the 20 s the SCM gives services at shutdown by default
// (WaitToKillServiceTimeout,
// https://learn.microsoft.com/windows/win32/services/service-control-handler-function).
constexpr DWORD kStopGraceMs = 10'000;
// The wait hint covers the grace and the exit after it.
constexpr DWORD kStopWaitHintMs = kStopGraceMs + 5'000;
// From SERVICE_START_PENDING to SERVICE_RUNNING is only the start of a thread.
constexpr DWORD kStartWaitHintMs = 5'000;

// The Event Log holds time, level and source itself, so each event is the message alone.
// Without a registered message file the Event Viewer prefixes "The description for Event ID 1
// ... cannot be found" and still shows the text.
class EventLogSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  EventLogSink() : source_(::RegisterEventSourceW(nullptr, kServiceName)) {}
  ~EventLogSink() override {
    if (source_ != nullptr) ::DeregisterEventSource(source_);
  }
  EventLogSink(const EventLogSink&) = delete;
  EventLogSink& operator=(const EventLogSink&) = delete;

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    if (source_ == nullptr) return;
    auto wide = win32::Wide(std::string_view(msg.payload.data(), msg.payload.size()), "message");
    const std::wstring text =
        wide.Ok() ? std::move(wide).Value() : L"(a log line that is not UTF-8)";
    const wchar_t* strings[] = {text.c_str()};
    ::ReportEventW(source_, TypeOf(msg.level), 0, kEventId, nullptr, 1, 0, strings, nullptr);
  }
  void flush_() override {}

 private:
  static constexpr DWORD kEventId = 1;
  static WORD TypeOf(spdlog::level::level_enum level) {
    if (level >= spdlog::level::err) return EVENTLOG_ERROR_TYPE;
    if (level == spdlog::level::warn) return EVENTLOG_WARNING_TYPE;
    return EVENTLOG_INFORMATION_TYPE;
  }
  HANDLE source_;
};

// The service's state, shared by ServiceMain and the control handler (the SCM calls the handler
// on the dispatcher thread, ServiceMain on a thread of its own).
struct ServiceState {
  const std::function<int()>* loop = nullptr;
  SERVICE_STATUS_HANDLE handle = nullptr;
  std::mutex mutex;
  DWORD checkpoint = 0;
  HANDLE stop_requested = nullptr;  // manual-reset event
};
ServiceState g_service;

void Report(DWORD state, DWORD wait_hint_ms, int exit_code = 0) {
  const std::lock_guard<std::mutex> lock(g_service.mutex);
  SERVICE_STATUS status{};
  status.dwServiceType = SERVICE_WIN32_OWN_PROCESS;
  status.dwCurrentState = state;
  status.dwControlsAccepted =
      state == SERVICE_RUNNING
          ? SERVICE_ACCEPT_STOP | SERVICE_ACCEPT_SHUTDOWN | SERVICE_ACCEPT_PARAMCHANGE
          : 0;
  if (exit_code != 0) {
    // A non-zero exit is a failure the SCM's recovery actions act on (FAILURE_ACTIONS_FLAG).
    status.dwWin32ExitCode = ERROR_SERVICE_SPECIFIC_ERROR;
    status.dwServiceSpecificExitCode = static_cast<DWORD>(exit_code);
  }
  const bool pending = state == SERVICE_START_PENDING || state == SERVICE_STOP_PENDING;
  status.dwCheckPoint = pending ? ++g_service.checkpoint : 0;
  status.dwWaitHint = wait_hint_ms;
  ::SetServiceStatus(g_service.handle, &status);
}

DWORD WINAPI OnControl(DWORD control, DWORD /*type*/, void* /*data*/, void* /*context*/) {
  switch (control) {
    case SERVICE_CONTROL_STOP:
    case SERVICE_CONTROL_SHUTDOWN:
      Report(SERVICE_STOP_PENDING, kStopWaitHintMs);
      ::SetEvent(g_service.stop_requested);
      StopSignal::Request();  // the loop's wait for the next interval ends at once
      return NO_ERROR;
    case SERVICE_CONTROL_PARAMCHANGE:
      // `sc control mde-preflight paramchange`: re-read the config and check at once, as SIGHUP
      // does on Linux (service_loop.h).
      StopSignal::RequestReload();
      return NO_ERROR;
    case SERVICE_CONTROL_INTERROGATE:
      return NO_ERROR;
    default:
      return ERROR_CALL_NOT_IMPLEMENTED;
  }
}

void WINAPI ServiceMain(DWORD /*argc*/, wchar_t** /*argv*/) {
  g_service.handle = ::RegisterServiceCtrlHandlerExW(kServiceName, OnControl, nullptr);
  if (g_service.handle == nullptr) {
    spdlog::error("cannot register the service control handler: {}",
                  win32::Win32Message(::GetLastError()));
    return;
  }
  Report(SERVICE_START_PENDING, kStartWaitHintMs);
  // Before any thread starts (StopSignal::Install's contract); RunService installs it again.
  StopSignal::Install();

  // The loop runs on its own thread so that this one can keep the stop deadline while a check
  // run is under way.
  auto done = std::make_shared<int>(kExitInternal);
  HANDLE finished = ::CreateEventW(nullptr, TRUE, FALSE, nullptr);
  if (finished == nullptr) {
    spdlog::error("cannot create an event: {}", win32::Win32Message(::GetLastError()));
    Report(SERVICE_STOPPED, 0, kExitInternal);
    return;
  }
  const win32::UniqueHandle finished_owner(finished);
  std::thread worker([done, finished] {
    *done = (*g_service.loop)();
    ::SetEvent(finished);
  });
  Report(SERVICE_RUNNING, 0);

  const HANDLE events[] = {finished, g_service.stop_requested};
  const DWORD which = ::WaitForMultipleObjects(2, events, FALSE, INFINITE);
  if (which != WAIT_OBJECT_0 && ::WaitForSingleObject(finished, kStopGraceMs) != WAIT_OBJECT_0) {
    spdlog::warn(
        "stopping during a check run: the run is abandoned; the report keeps the "
        "previous run's result");
    Report(SERVICE_STOPPED, 0);
    // The worker is still inside the run: leave without unwinding or DLL detach code under it
    // (as main does when a check is left running).
    ExitNow(kExitOk);
  }
  worker.join();
  if (*done != kExitOk) spdlog::error("the service loop ended with exit code {}", *done);
  Report(SERVICE_STOPPED, 0, *done);
}

}  // namespace

int RunServiceHost(const std::function<int()>& loop) {
  g_service.loop = &loop;
  g_service.stop_requested = ::CreateEventW(nullptr, TRUE, FALSE, nullptr);
  if (g_service.stop_requested == nullptr) {
    std::cerr << "mde-preflight: cannot create an event: " << win32::Win32Message(::GetLastError())
              << "\n";
    return kExitInternal;
  }
  const win32::UniqueHandle stop_owner(g_service.stop_requested);

  // Under the SCM every log line also goes to the Application event log.
  auto logger = spdlog::default_logger();
  logger->sinks().push_back(std::make_shared<EventLogSink>());

  std::wstring name = kServiceName;  // the table wants a mutable string
  const SERVICE_TABLE_ENTRYW table[] = {{name.data(), ServiceMain}, {nullptr, nullptr}};
  if (::StartServiceCtrlDispatcherW(table)) return kExitOk;  // ServiceMain ran and returned
  const DWORD error = ::GetLastError();
  logger->sinks().pop_back();
  if (error == ERROR_FAILED_SERVICE_CONTROLLER_CONNECT) {
    // Started from a console (or a test), not by the SCM: the loop runs in the foreground and
    // stops on Ctrl+C, Ctrl+Break or closing the console.
    return loop();
  }
  std::cerr << "mde-preflight: cannot connect to the service control manager: "
            << win32::Win32Message(error) << "\n";
  return kExitInternal;
}

}  // namespace preflight

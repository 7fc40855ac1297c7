#include <windows.h>

#include "platform/stop_signal.h"

namespace preflight {
namespace {

// Manual-reset: once set, every later wait sees the stop at once, as a pending signal does.
HANDLE StopEvent() {
  static HANDLE event = ::CreateEventW(nullptr, TRUE, FALSE, nullptr);
  return event;
}

// Auto-reset: one wait takes a reload request, as sigtimedwait takes one pending SIGHUP.
HANDLE ReloadEvent() {
  static HANDLE event = ::CreateEventW(nullptr, FALSE, FALSE, nullptr);
  return event;
}

BOOL WINAPI OnConsoleControl(DWORD type) {
  switch (type) {
    case CTRL_C_EVENT:
    case CTRL_BREAK_EVENT:
    case CTRL_CLOSE_EVENT:
    case CTRL_SHUTDOWN_EVENT:
      // For a close or shutdown Windows ends the process soon after this returns
      // (https://learn.microsoft.com/windows/console/handlerroutine); the report is written
      // atomically, so it is then either the old one or the new one.
      StopSignal::Request();
      return TRUE;
    default:
      return FALSE;
  }
}

// INFINITE is 0xFFFFFFFF ms; a longer wait is capped just below it and the callers loop anyway.
DWORD Milliseconds(std::chrono::milliseconds timeout) {
  const auto ms =
      timeout.count() <= 0 ? 0 : (timeout.count() >= INFINITE ? INFINITE - 1 : timeout.count());
  return static_cast<DWORD>(ms);
}

}  // namespace

void StopSignal::Install() {
  StopEvent();
  ReloadEvent();
  ::SetConsoleCtrlHandler(OnConsoleControl, TRUE);
}

void StopSignal::Request() { ::SetEvent(StopEvent()); }

void StopSignal::RequestReload() { ::SetEvent(ReloadEvent()); }

bool StopSignal::WaitFor(std::chrono::milliseconds timeout) {
  HANDLE event = StopEvent();
  if (event == nullptr) {
    ::Sleep(Milliseconds(timeout));
    return false;
  }
  return ::WaitForSingleObject(event, Milliseconds(timeout)) == WAIT_OBJECT_0;
}

ServiceRequest StopSignal::Wait(std::chrono::milliseconds timeout) {
  const HANDLE events[] = {StopEvent(), ReloadEvent()};
  if (events[0] == nullptr || events[1] == nullptr) {
    return WaitFor(timeout) ? ServiceRequest::kStop : ServiceRequest::kNone;
  }
  // The stop event first: when both are set, WaitForMultipleObjects reports the lowest index.
  const DWORD which = ::WaitForMultipleObjects(2, events, FALSE, Milliseconds(timeout));
  if (which == WAIT_OBJECT_0) return ServiceRequest::kStop;
  if (which == WAIT_OBJECT_0 + 1) return ServiceRequest::kReload;
  return ServiceRequest::kNone;
}

}  // namespace preflight

#include <windows.h>

#include "platform/stop_signal.h"

namespace preflight {
namespace {

// Manual-reset: once set, every later wait sees the stop at once, as a pending signal does.
HANDLE StopEvent() {
  static HANDLE event = ::CreateEventW(nullptr, TRUE, FALSE, nullptr);
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

}  // namespace

void StopSignal::Install() {
  StopEvent();
  ::SetConsoleCtrlHandler(OnConsoleControl, TRUE);
}

void StopSignal::Request() { ::SetEvent(StopEvent()); }

bool StopSignal::WaitFor(std::chrono::milliseconds timeout) {
  HANDLE event = StopEvent();
  if (event == nullptr) {
    ::Sleep(static_cast<DWORD>(timeout.count()));
    return false;
  }
  // INFINITE is 0xFFFFFFFF ms; a longer wait is capped just below it and the caller loops anyway.
  const auto ms =
      timeout.count() <= 0 ? 0 : (timeout.count() >= INFINITE ? INFINITE - 1 : timeout.count());
  return ::WaitForSingleObject(event, static_cast<DWORD>(ms)) == WAIT_OBJECT_0;
}

}  // namespace preflight

#pragma once

#include <chrono>

namespace preflight {

// Requests to stop the service: SIGTERM / SIGINT on Linux (systemd sends SIGTERM); Ctrl+C,
// Ctrl+Break and closing the console on Windows, and the service control manager's stop through
// Request().
class StopSignal {
 public:
  // Call before any thread starts: the signals are then handled only by WaitFor.
  static void Install();
  // Asks for a stop from inside the process (the Windows service control handler, a test), as if
  // the stop signal had arrived. Call after Install(). Safe from any thread.
  static void Request();
  // Waits up to `timeout`; true when a stop was requested (now or earlier).
  static bool WaitFor(std::chrono::milliseconds timeout);
};

}  // namespace preflight

#pragma once

#include <chrono>

namespace preflight {

// What a service was asked to do from outside.
enum class ServiceRequest {
  kNone,    // the wait timed out
  kStop,    // SIGTERM / SIGINT; Ctrl+C, Ctrl+Break, console close; the SCM's stop
  kReload,  // SIGHUP (systemd's ExecReload=kill -HUP); the SCM's SERVICE_CONTROL_PARAMCHANGE
};

// Requests to stop the service: SIGTERM / SIGINT on Linux (systemd sends SIGTERM); Ctrl+C,
// Ctrl+Break and closing the console on Windows, and the service control manager's stop through
// Request(). Requests to reload it: SIGHUP on Linux, RequestReload() on Windows.
class StopSignal {
 public:
  // Call before any thread starts: the signals are then handled only by WaitFor / Wait.
  static void Install();
  // Asks for a stop from inside the process (the Windows service control handler, a test), as if
  // the stop signal had arrived. Call after Install(). Safe from any thread.
  static void Request();
  // Asks for a reload from inside the process, as if SIGHUP had arrived. Call after Install().
  static void RequestReload();
  // Waits up to `timeout`; true when a stop was requested (now or earlier). Leaves a reload
  // request pending.
  static bool WaitFor(std::chrono::milliseconds timeout);
  // Waits up to `timeout` for a stop or a reload. A stop, once requested, is returned by every
  // later call; a reload is returned once per request (requests while none is taken merge).
  static ServiceRequest Wait(std::chrono::milliseconds timeout);
};

}  // namespace preflight

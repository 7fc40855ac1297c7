#pragma once

#include <chrono>

namespace preflight {

// Requests to stop the service: SIGTERM / SIGINT on Linux (systemd sends SIGTERM).
class StopSignal {
 public:
  // Call before any thread starts: the signals are then handled only by WaitFor.
  static void Install();
  // Waits up to `timeout`; true when a stop was requested (now or earlier).
  static bool WaitFor(std::chrono::milliseconds timeout);
};

}  // namespace preflight

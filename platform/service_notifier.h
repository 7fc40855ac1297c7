#pragma once

// Tells the service manager how the service is doing: systemd's notify protocol
// (platform/notify_protocol.h) to $NOTIFY_SOCKET. Without that variable (started by hand, another
// init, Windows) every call does nothing.

#include <chrono>
#include <memory>
#include <optional>
#include <string_view>

namespace preflight {

class Environment;
class LocalDatagram;

class ServiceNotifier {
 public:
  // From $NOTIFY_SOCKET, $WATCHDOG_USEC and $WATCHDOG_PID.
  static ServiceNotifier FromEnvironment(const Environment& env);

  // Sends one message (notify::Ready(...), ...). A failure is logged at debug and otherwise
  // ignored: the service works the same whether the manager listens or not.
  void Send(std::string_view message) const;
  // The watchdog period systemd expects pings within (WatchdogSec=); nothing when off.
  std::optional<std::chrono::microseconds> WatchdogPeriod() const { return watchdog_; }

 private:
  std::shared_ptr<LocalDatagram> socket_;
  std::optional<std::chrono::microseconds> watchdog_;
};

}  // namespace preflight

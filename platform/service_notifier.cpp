#include "platform/service_notifier.h"

#include <spdlog/spdlog.h>

#include "platform/environment.h"
#include "platform/local_datagram.h"
#include "platform/notify_protocol.h"
#include "platform/process_exit.h"

namespace preflight {

ServiceNotifier ServiceNotifier::FromEnvironment(const Environment& env) {
  ServiceNotifier notifier;
  const auto socket = env.Get("NOTIFY_SOCKET");
  if (!socket) return notifier;
  const auto address = notify::SocketAddress(*socket);
  if (!address) {
    spdlog::warn("NOTIFY_SOCKET '{}' is not a socket path or an abstract name; not notifying",
                 *socket);
    return notifier;
  }
  notifier.socket_ = LocalDatagram::Open(*address);
  if (!notifier.socket_) return notifier;
  notifier.watchdog_ =
      notify::WatchdogPeriod(env.Get("WATCHDOG_USEC"), env.Get("WATCHDOG_PID"), OwnProcessId());
  return notifier;
}

void ServiceNotifier::Send(std::string_view message) const {
  if (!socket_) return;
  if (auto sent = socket_->Send(message); !sent.Ok()) {
    spdlog::debug("cannot notify the service manager: {}", sent.Err().message);
  }
}

}  // namespace preflight

#pragma once

// The service manager's notification protocol, as text: what `sd_notify` sends, without
// libsystemd. https://www.freedesktop.org/software/systemd/man/latest/sd_notify.html (2026-12):
// each message is newline-separated VAR=value assignments in one datagram to the AF_UNIX socket
// named by $NOTIFY_SOCKET ("@name": an abstract socket). Pure: built and tested on every OS.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace preflight::notify {

// The sockaddr_un path bytes for $NOTIFY_SOCKET: an absolute path as is, "@name" as the abstract
// name "\0name". Nothing for an empty, relative (sd_notify also knows "vsock:", which a host
// service never gets) or too long value (sun_path holds 108 bytes, the final NUL included).
std::optional<std::string> SocketAddress(std::string_view value);

// The watchdog period from $WATCHDOG_USEC and $WATCHDOG_PID: sd_watchdog_enabled's rules — the
// period is set and positive, and the pid, when given, is ours (else the variables were meant for
// another process of the service). Nothing when the watchdog is off or a value is malformed.
std::optional<std::chrono::microseconds> WatchdogPeriod(const std::optional<std::string>& usec,
                                                        const std::optional<std::string>& pid,
                                                        std::int64_t our_pid);

// The messages the agent sends. A STATUS= line is one line: newlines become spaces.
std::string Ready(std::string_view status);
std::string Status(std::string_view status);
std::string Watchdog();
std::string Stopping();
// MONOTONIC_USEC is CLOCK_MONOTONIC when the reload began (systemd 253 and later require it
// with Type=notify-reload; earlier ones ignore it).
std::string Reloading(std::chrono::microseconds monotonic_now);

}  // namespace preflight::notify

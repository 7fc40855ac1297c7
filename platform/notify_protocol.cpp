#include "platform/notify_protocol.h"

#include <charconv>

namespace preflight::notify {
namespace {

// sizeof(sockaddr_un::sun_path) on Linux (unix(7)); an abstract name may use every byte.
constexpr std::size_t kSunPathBytes = 108;

std::optional<std::int64_t> ParseWhole(const std::optional<std::string>& text) {
  if (!text || text->empty()) return std::nullopt;
  std::int64_t value = 0;
  const char* last = text->data() + text->size();
  const auto [ptr, ec] = std::from_chars(text->data(), last, value);
  if (ec != std::errc() || ptr != last) return std::nullopt;
  return value;
}

std::string OneLine(std::string_view text) {
  std::string line(text);
  for (char& c : line) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return line;
}

}  // namespace

std::optional<std::string> SocketAddress(std::string_view value) {
  if (value.size() < 2) return std::nullopt;
  if (value.front() == '@') {
    if (value.size() > kSunPathBytes) return std::nullopt;
    std::string address(value);
    address.front() = '\0';
    return address;
  }
  if (value.front() != '/' || value.size() >= kSunPathBytes) return std::nullopt;
  return std::string(value);
}

std::optional<std::chrono::microseconds> WatchdogPeriod(const std::optional<std::string>& usec,
                                                        const std::optional<std::string>& pid,
                                                        std::int64_t our_pid) {
  const auto period = ParseWhole(usec);
  if (!period || *period <= 0) return std::nullopt;
  if (pid) {
    const auto meant_for = ParseWhole(pid);
    if (!meant_for || *meant_for != our_pid) return std::nullopt;
  }
  return std::chrono::microseconds(*period);
}

std::string Ready(std::string_view status) { return "READY=1\n" + Status(status); }
std::string Status(std::string_view status) { return "STATUS=" + OneLine(status) + "\n"; }
std::string Watchdog() { return "WATCHDOG=1\n"; }
std::string Stopping() { return "STOPPING=1\n"; }

std::string Reloading(std::chrono::microseconds monotonic_now) {
  return "RELOADING=1\nMONOTONIC_USEC=" + std::to_string(monotonic_now.count()) + "\n";
}

}  // namespace preflight::notify

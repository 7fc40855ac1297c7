#include "agent/service_schedule.h"

#include <algorithm>

namespace preflight {

std::chrono::milliseconds NextCheckDelay(std::chrono::milliseconds interval, std::uint64_t random) {
  if (interval.count() <= 0) return std::chrono::milliseconds(0);
  const auto bound = (std::min)(interval / kJitterDivisor, kMaxJitter);
  const auto span = static_cast<std::uint64_t>(bound.count()) + 1;
  return interval + std::chrono::milliseconds(static_cast<std::int64_t>(random % span));
}

bool KeepsPromise(std::chrono::steady_clock::time_point now,
                  std::chrono::steady_clock::time_point promised_by) {
  return now <= promised_by;
}

std::chrono::microseconds WatchdogPingEvery(std::chrono::microseconds period) {
  return (std::max)(period / 2, std::chrono::microseconds(1));
}

}  // namespace preflight

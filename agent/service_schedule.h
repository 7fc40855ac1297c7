#pragma once

// The service loop's decisions, pure so that a table test pins them: when the next check runs,
// and whether the loop is keeping its promises (what the watchdog reports to systemd).

#include <chrono>
#include <cstdint>

namespace preflight {

// The jitter added to each interval is at most this fraction of it (1/kJitterDivisor) and at most
// kMaxJitter: a fleet restarted together (a patch night) drifts apart within a few cycles instead
// of calling Azure in step, the practice the Azure SDK's retry policy and systemd's
// RandomizedDelaySec= (systemd.timer(5)) follow.
inline constexpr int kJitterDivisor = 10;
inline constexpr std::chrono::milliseconds kMaxJitter = std::chrono::hours(1);

// The wait before the next check: `interval` plus a jitter in [0, min(interval / 10, 1 h)] taken
// from `random` (any 64-bit value, uniform). Never shorter than the interval.
std::chrono::milliseconds NextCheckDelay(std::chrono::milliseconds interval, std::uint64_t random);

// The watchdog's meaning. The loop promises, before each step, a time by which it will be back:
// a check run by the run's deadline plus a margin, a wait by its end plus a margin. A thread
// pings the watchdog (WATCHDOG=1) only while the promise holds, so a loop stuck past its own
// deadline (a check that ignores the deadline, a deadlock, a write that never returns) stops the
// pings and systemd restarts the service; a long wait between checks is not "stuck".
bool KeepsPromise(std::chrono::steady_clock::time_point now,
                  std::chrono::steady_clock::time_point promised_by);

// How often the watchdog is pinged: half the period systemd gave, as sd_watchdog_enabled(3)
// recommends, so one late ping does not miss the deadline.
std::chrono::microseconds WatchdogPingEvery(std::chrono::microseconds period);

}  // namespace preflight

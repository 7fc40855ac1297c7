#pragma once

#include <chrono>

namespace preflight {

// The two clocks a run reads: the wall clock for dates (a token's expiry, when MDE was onboarded)
// and the monotonic clock for durations and deadlines. Checks read them through Context, so a
// test can pin both.
class Clock {
 public:
  virtual std::chrono::system_clock::time_point WallNow() const = 0;
  virtual std::chrono::steady_clock::time_point SteadyNow() const = 0;

 protected:
  // Not virtual: no Clock is ever owned or deleted through this interface, and a trivially
  // destructible implementation can be a static that no exit-time destructor tears down under a
  // check thread still running past the deadline.
  ~Clock() = default;
};

// The machine's clocks (std::chrono::system_clock and steady_clock); valid for the whole process.
const Clock& SystemClock();

}  // namespace preflight

#pragma once

#include <chrono>
#include <mutex>

#include "platform/clock.h"

namespace preflight::testing {

// A clock that stands still until a test moves it. It starts at the machine's time, so that a
// deadline taken from it still means the same to the runner, which waits in real time.
class FakeClock final : public Clock {
 public:
  std::chrono::system_clock::time_point WallNow() const override {
    std::lock_guard<std::mutex> lock(mutex_);
    return wall_;
  }
  std::chrono::steady_clock::time_point SteadyNow() const override {
    std::lock_guard<std::mutex> lock(mutex_);
    return steady_;
  }
  void SetWall(std::chrono::system_clock::time_point wall) {
    std::lock_guard<std::mutex> lock(mutex_);
    wall_ = wall;
  }
  // Moves both clocks on by `step`.
  void Advance(std::chrono::nanoseconds step) {
    std::lock_guard<std::mutex> lock(mutex_);
    wall_ += std::chrono::duration_cast<std::chrono::system_clock::duration>(step);
    steady_ += std::chrono::duration_cast<std::chrono::steady_clock::duration>(step);
  }

 private:
  mutable std::mutex mutex_;
  std::chrono::system_clock::time_point wall_ = std::chrono::system_clock::now();
  std::chrono::steady_clock::time_point steady_ = std::chrono::steady_clock::now();
};

}  // namespace preflight::testing

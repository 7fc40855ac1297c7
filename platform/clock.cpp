#include "platform/clock.h"

#include <type_traits>

namespace preflight {
namespace {

class MachineClock final : public Clock {
 public:
  std::chrono::system_clock::time_point WallNow() const override {
    return std::chrono::system_clock::now();
  }
  std::chrono::steady_clock::time_point SteadyNow() const override {
    return std::chrono::steady_clock::now();
  }
};

// No destructor runs at exit, so a check thread still running then can read the clock.
static_assert(std::is_trivially_destructible_v<MachineClock>);

}  // namespace

const Clock& SystemClock() {
  static const MachineClock clock;
  return clock;
}

}  // namespace preflight

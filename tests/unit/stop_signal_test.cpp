#include "platform/stop_signal.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

namespace preflight {
namespace {

using std::chrono::milliseconds;

// The real signal path: SIGTERM to the process on Linux, the stop event on Windows. Each ctest
// test runs in its own process, so the blocked signal and the set event stay here.
TEST(StopSignal, RequestFromAnotherThreadWakesTheWaiter) {
  StopSignal::Install();
  EXPECT_FALSE(StopSignal::WaitFor(milliseconds(10)));
  std::thread requester([] { StopSignal::Request(); });
  EXPECT_TRUE(StopSignal::WaitFor(std::chrono::seconds(30)));
  requester.join();
}

}  // namespace
}  // namespace preflight

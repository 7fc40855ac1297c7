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

// A reload request is taken once; a stop, once requested, is seen by every later wait.
TEST(StopSignal, ReloadIsTakenOnceAndAStopStays) {
  StopSignal::Install();
  EXPECT_EQ(StopSignal::Wait(milliseconds(10)), ServiceRequest::kNone);
  std::thread reloader([] { StopSignal::RequestReload(); });
  EXPECT_EQ(StopSignal::Wait(std::chrono::seconds(30)), ServiceRequest::kReload);
  reloader.join();
  EXPECT_EQ(StopSignal::Wait(milliseconds(10)), ServiceRequest::kNone);
  StopSignal::RequestReload();
  EXPECT_FALSE(StopSignal::WaitFor(milliseconds(10)));  // leaves the reload pending
  EXPECT_EQ(StopSignal::Wait(std::chrono::seconds(30)), ServiceRequest::kReload);
  StopSignal::Request();
  EXPECT_EQ(StopSignal::Wait(std::chrono::seconds(30)), ServiceRequest::kStop);
  EXPECT_EQ(StopSignal::Wait(milliseconds(10)), ServiceRequest::kStop);
  EXPECT_TRUE(StopSignal::WaitFor(milliseconds(10)));
}

}  // namespace
}  // namespace preflight

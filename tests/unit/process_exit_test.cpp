#include "platform/process_exit.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>

namespace preflight {
namespace {

// What a process with a check still running past the deadline relies on: the exit code is kept
// and nothing of the process's own runs on the way out (here, an atexit handler).
TEST(ExitNowDeathTest, KeepsTheCodeAndRunsNoExitHandler) {
  EXPECT_EXIT(
      {
        std::atexit([] { std::fputs(" and an exit handler ran", stderr); });
        std::fputs("leaving", stderr);
        ExitNow(7);
      },
      ::testing::ExitedWithCode(7), "^leaving$");
}

}  // namespace
}  // namespace preflight

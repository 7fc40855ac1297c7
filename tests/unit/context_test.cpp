#include <gtest/gtest.h>

#include <chrono>
#include <stdexcept>
#include <string>

#include "platform/clock.h"
#include "probes/check.h"
#include "tests/fakes/fake_platform.h"

namespace preflight::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(MakeContext, RefersToEveryPartItWasGiven) {
  FakeWorld world;
  ContextParts parts = world.Parts(/*live=*/false);
  parts.offline = false;
  const Context ctx = MakeContext(parts);
  EXPECT_EQ(&ctx.fs, &world.fs);
  EXPECT_EQ(&ctx.processes, &world.processes);
  EXPECT_EQ(&ctx.env, &world.env);
  EXPECT_EQ(&ctx.services, &world.services);
  EXPECT_EQ(&ctx.system, &world.system);
  EXPECT_EQ(&ctx.registry, &world.registry);
  EXPECT_EQ(&ctx.facts, &world.facts);
  EXPECT_EQ(&ctx.clock, &world.clock);
  EXPECT_FALSE(ctx.live);
  EXPECT_FALSE(ctx.offline);
  EXPECT_EQ(ctx.deadline, parts.deadline);
  EXPECT_EQ(ctx.cloud, nullptr);
}

TEST(MakeContext, WithoutAClockUsesTheMachines) {
  FakeWorld world;
  ContextParts parts = world.Parts();
  parts.clock = nullptr;
  EXPECT_EQ(&MakeContext(parts).clock, &SystemClock());
}

TEST(MakeContext, NamesAMissingPart) {
  FakeWorld world;
  const auto missing = [&](auto clear) {
    ContextParts parts = world.Parts();
    clear(parts);
    try {
      (void)MakeContext(parts);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(missing([](ContextParts& p) { p.fs = nullptr; }), "Context without a file system");
  EXPECT_EQ(missing([](ContextParts& p) { p.registry = nullptr; }), "Context without a registry");
  EXPECT_EQ(missing([](ContextParts& p) { p.facts = nullptr; }), "Context without host facts");
}

TEST(ContextRemaining, CountsDownOnTheContextsClock) {
  FakeWorld world;
  const Context ctx = world.Ctx();
  EXPECT_EQ(ctx.Remaining(), seconds(30));
  world.clock.Advance(milliseconds(12500));
  EXPECT_EQ(ctx.Remaining(), milliseconds(17500));
  world.clock.Advance(seconds(20));
  EXPECT_EQ(ctx.Remaining(), milliseconds(0));
}

TEST(ContextRemaining, NoDeadlineIsTheLongestWait) {
  FakeWorld world;
  ContextParts parts = world.Parts();
  parts.deadline = std::chrono::steady_clock::time_point::max();
  EXPECT_EQ(MakeContext(parts).Remaining(), milliseconds::max());
}

TEST(SystemClock, ReadsTheMachinesClocks) {
  const auto wall_before = std::chrono::system_clock::now();
  const auto steady_before = std::chrono::steady_clock::now();
  const auto wall = SystemClock().WallNow();
  const auto steady = SystemClock().SteadyNow();
  EXPECT_GE(wall, wall_before);
  EXPECT_LE(wall - wall_before, seconds(60));
  EXPECT_GE(steady, steady_before);
  EXPECT_LE(steady - steady_before, seconds(60));
}

}  // namespace
}  // namespace preflight::testing

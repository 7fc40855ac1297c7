#include "agent/runner.h"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <thread>

#include "tests/fakes/fake_platform.h"

namespace preflight {
namespace {

class ScriptedCheck final : public Check {
 public:
  ScriptedCheck(std::string id, Status status, std::chrono::milliseconds delay = {},
                bool throws = false)
      : id_(std::move(id)), status_(status), delay_(delay), throws_(throws) {}
  std::string_view Id() const override { return id_; }
  std::string_view Title() const override { return "scripted"; }
  CheckResult Run(const Context& /*ctx*/) const override {
    std::this_thread::sleep_for(delay_);
    if (throws_) throw std::runtime_error("boom");
    CheckResult r;
    r.status = status_;
    r.summary = id_ + " ran";
    return r;
  }

 private:
  std::string id_;
  Status status_;
  std::chrono::milliseconds delay_;
  bool throws_;
};

// Moves the world's clock on while it runs, as time passing would.
class ClockStepCheck final : public Check {
 public:
  ClockStepCheck(testing::FakeClock& clock, std::chrono::milliseconds step)
      : clock_(clock), step_(step) {}
  std::string_view Id() const override { return "x.clock"; }
  std::string_view Title() const override { return "clock"; }
  CheckResult Run(const Context& /*ctx*/) const override {
    clock_.Advance(step_);
    CheckResult r;
    r.status = Status::kPass;
    return r;
  }

 private:
  testing::FakeClock& clock_;
  std::chrono::milliseconds step_;
};

// Counts the threads that have exited after running a ThreadExitCheck: a thread_local's
// destructor runs as its thread exits.
std::atomic<int> g_thread_exits{0};
struct CountsThreadExit {
  ~CountsThreadExit() { g_thread_exits.fetch_add(1); }
};

class ThreadExitCheck final : public Check {
 public:
  std::string_view Id() const override { return "x.exit"; }
  std::string_view Title() const override { return "thread exit"; }
  CheckResult Run(const Context& /*ctx*/) const override {
    thread_local CountsThreadExit marker;
    CheckResult r;
    r.status = Status::kPass;
    return r;
  }
};

std::vector<std::shared_ptr<const Check>> Checks(
    std::initializer_list<std::shared_ptr<const Check>> list) {
  return list;
}

TEST(RunChecks, KeepsOrderAndIsolatesExceptions) {
  auto world = std::make_shared<testing::FakeWorld>();
  auto ctx = std::make_shared<const Context>(world->Ctx());
  auto outcome = RunChecks(
      Checks(
          {std::make_shared<ScriptedCheck>("a.slow", Status::kPass, std::chrono::milliseconds(50)),
           std::make_shared<ScriptedCheck>("b.throws", Status::kPass, std::chrono::milliseconds(0),
                                           true),
           std::make_shared<ScriptedCheck>("c.fast", Status::kWarn)}),
      ctx, RunPolicy{});
  ASSERT_EQ(outcome.runs.size(), 3U);
  EXPECT_FALSE(outcome.stragglers);
  EXPECT_EQ(outcome.runs[0].id, "a.slow");
  EXPECT_EQ(outcome.runs[0].result.status, Status::kPass);
  EXPECT_EQ(outcome.runs[1].result.status, Status::kFail);
  EXPECT_NE(outcome.runs[1].result.summary.find("boom"), std::string::npos);
  EXPECT_EQ(outcome.runs[2].result.status, Status::kWarn);
}

TEST(RunChecks, IgnoreTurnsFailureIntoWarningCaseInsensitively) {
  auto world = std::make_shared<testing::FakeWorld>();
  auto ctx = std::make_shared<const Context>(world->Ctx());
  auto outcome = RunChecks(Checks({std::make_shared<ScriptedCheck>("linux.fanotify", Status::kFail),
                                   std::make_shared<ScriptedCheck>("linux.os", Status::kFail)}),
                           ctx, RunPolicy{{"linux.fanotify"}});
  EXPECT_EQ(outcome.runs[0].result.status, Status::kWarn);
  EXPECT_TRUE(outcome.runs[0].ignored);
  EXPECT_EQ(outcome.runs[1].result.status, Status::kFail);
  EXPECT_FALSE(outcome.runs[1].ignored);

  auto all = RunChecks(Checks({std::make_shared<ScriptedCheck>("linux.os", Status::kFail),
                               std::make_shared<ScriptedCheck>("linux.kernel", Status::kPass)}),
                       ctx, RunPolicy{{"all"}});
  EXPECT_EQ(all.runs[0].result.status, Status::kWarn);
  EXPECT_TRUE(all.runs[0].ignored);
  EXPECT_EQ(all.runs[1].result.status, Status::kPass);
  EXPECT_FALSE(all.runs[1].ignored);
}

TEST(RunChecks, TimesChecksOnTheContextsClock) {
  auto world = std::make_shared<testing::FakeWorld>();
  auto ctx = std::make_shared<const Context>(world->Ctx());
  auto outcome = RunChecks(
      Checks({std::make_shared<ClockStepCheck>(world->clock, std::chrono::milliseconds(250))}), ctx,
      RunPolicy{});
  ASSERT_EQ(outcome.runs.size(), 1U);
  EXPECT_EQ(outcome.runs[0].duration, std::chrono::milliseconds(250));
}

// Every thread that finished has exited when RunChecks returns: none is left to end while the
// process exits (and a detach after its end is unsafe with mingw-w64's winpthreads).
TEST(RunChecks, JoinsEveryThreadThatFinished) {
  auto world = std::make_shared<testing::FakeWorld>();
  auto ctx = std::make_shared<const Context>(world->Ctx());
  for (int round = 0; round < 20; ++round) {
    const int before = g_thread_exits.load();
    std::vector<std::shared_ptr<const Check>> checks;
    for (int i = 0; i < 8; ++i) checks.push_back(std::make_shared<ThreadExitCheck>());
    auto outcome = RunChecks(checks, ctx, RunPolicy{});
    EXPECT_FALSE(outcome.stragglers);
    ASSERT_EQ(g_thread_exits.load() - before, 8) << "round " << round;
  }
}

TEST(RunChecks, ReportsAStuckCheckAtTheDeadline) {
  // The context's owner (the world) may go away first: the stuck check shares it.
  struct Owned {
    testing::FakeWorld world;
    std::optional<Context> ctx;
  };
  auto owned = std::make_shared<Owned>();
  owned->ctx.emplace(owned->world.Ctx());
  owned->ctx->deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(100);
  std::shared_ptr<const Context> ctx(owned, &*owned->ctx);
  auto stuck =
      std::make_shared<ScriptedCheck>("x.stuck", Status::kPass, std::chrono::milliseconds(600));
  auto outcome = RunChecks(
      Checks({stuck, std::make_shared<ScriptedCheck>("y.quick", Status::kPass)}), ctx, RunPolicy{});
  EXPECT_TRUE(outcome.stragglers);
  EXPECT_TRUE(outcome.runs[0].timed_out);
  EXPECT_EQ(outcome.runs[0].result.status, Status::kWarn);
  EXPECT_NE(outcome.runs[0].result.summary.find("deadline"), std::string::npos);
  EXPECT_EQ(outcome.runs[1].result.status, Status::kPass);
  EXPECT_TRUE(ChecksLeftRunning());
  owned.reset();
  ctx.reset();
  // Let the straggler finish before the test binary tears down.
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
}

}  // namespace
}  // namespace preflight

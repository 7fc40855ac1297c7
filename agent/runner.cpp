#include "agent/runner.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <system_error>
#include <thread>

#include <spdlog/spdlog.h>

#include "platform/text.h"

namespace preflight {
namespace {

using std::chrono::milliseconds;

// Check threads let go of at a deadline, in all runs of this process.
constinit std::atomic<int> g_let_go{0};

// Shared between the runner and the check threads; outlives the runner if a check hangs.
struct Board {
  std::mutex mutex;
  std::condition_variable done_cv;
  std::vector<CheckRun> runs;
  std::vector<bool> done;
  std::size_t remaining = 0;
};

// What one check thread owns. It touches nothing else, no global either (not even the logger),
// because a straggler may still be running while the process leaves.
struct Job {
  std::shared_ptr<Board> board;
  std::shared_ptr<const Check> check;
  std::shared_ptr<const Context> ctx;
  std::size_t index = 0;
};

CheckResult Broken(std::string summary) {
  CheckResult r;
  r.status = Status::kFail;
  r.summary = std::move(summary);
  r.remediation = "Report this as a bug in mde-preflight, with the output of -v.";
  return r;
}

CheckResult RunIsolated(const Check& check, const Context& ctx) {
  try {
    return check.Run(ctx);
  } catch (const std::exception& e) {
    return Broken(std::string("The check stopped with an internal error: ") + e.what());
  } catch (...) {
    return Broken("The check stopped with an unknown internal error.");
  }
}

void Record(Board& board, std::size_t index, CheckResult result, milliseconds elapsed) {
  std::lock_guard<std::mutex> lock(board.mutex);
  board.runs[index].result = std::move(result);
  board.runs[index].duration = elapsed;
  board.done[index] = true;
  --board.remaining;
  board.done_cv.notify_all();
}

void RunJob(const Job& job) {
  const auto start = job.ctx->clock.SteadyNow();
  CheckResult result = RunIsolated(*job.check, *job.ctx);
  const auto elapsed = std::chrono::duration_cast<milliseconds>(job.ctx->clock.SteadyNow() - start);
  Record(*job.board, job.index, std::move(result), elapsed);
}

// One thread per check, all joinable; a check whose thread cannot start fails with the reason.
std::vector<std::thread> StartThreads(const std::vector<std::shared_ptr<const Check>>& checks,
                                      const std::shared_ptr<Board>& board,
                                      const std::shared_ptr<const Context>& ctx) {
  std::vector<std::thread> threads(checks.size());
  for (std::size_t i = 0; i < checks.size(); ++i) {
    try {
      threads[i] = std::thread(RunJob, Job{board, checks[i], ctx, i});
    } catch (const std::system_error& e) {
      Record(*board, i, Broken(std::string("The check could not start: ") + e.what()), {});
    }
  }
  return threads;
}

void MarkTimedOut(CheckRun& run, milliseconds elapsed) {
  run.timed_out = true;
  run.duration = elapsed;
  run.result = CheckResult{};
  run.result.status = Status::kWarn;
  run.result.summary = "The check did not finish before the run's deadline; its result is unknown.";
  run.result.remediation =
      "Run again with a longer --timeout; if it still does not finish, something on this "
      "machine is hanging (a stalled network mount or an unresponsive command).";
}

// Waits for every check or the deadline and copies the results. A check still running then is
// let go of (detached) here, under the board's lock: its thread cannot finish while the lock is
// held, because it records its result under it first. Detaching a thread that has already
// returned is not safe with mingw-w64's winpthreads: pthread_detach then recycles the thread's
// record (_pthread_v) while the thread's exit notification (__dyn_tls_pthread,
// DLL_THREAD_DETACH) has yet to run on it, and that notification then marks the record's next
// owner, a new thread, as ended, so the new thread's detach frees it before it starts: the new
// thread runs with a null or another thread's closure (winpthreads/src/thread.c, mingw-w64
// v10.0.0, the version in Debian 12). Finished threads are joined instead, which waits for that
// notification.
RunOutcome Collect(Board& board, std::vector<std::thread>& threads, const Context& ctx,
                   std::chrono::steady_clock::time_point start) {
  std::unique_lock<std::mutex> lock(board.mutex);
  // A far-off deadline (time_point::max() in tests) is clipped: where the C library has no
  // clock-aware condition wait (mingw-w64's winpthreads), libstdc++ turns a steady_clock wait
  // into a system_clock one, and max() overflows there into "already expired".
  const auto limit = std::min(ctx.deadline, start + std::chrono::hours(24 * 365));
  board.done_cv.wait_until(lock, limit, [&] { return board.remaining == 0; });
  RunOutcome outcome;
  outcome.stragglers = board.remaining != 0;
  outcome.runs = board.runs;
  for (std::size_t i = 0; i < threads.size(); ++i) {
    if (board.done[i]) continue;
    MarkTimedOut(outcome.runs[i],
                 std::chrono::duration_cast<milliseconds>(ctx.clock.SteadyNow() - start));
    threads[i].detach();
    g_let_go.fetch_add(1);
  }
  return outcome;
}

void Log(const std::vector<CheckRun>& runs) {
  for (const CheckRun& run : runs) {
    if (run.timed_out) {
      spdlog::warn("check {} did not finish before the deadline", run.id);
    } else {
      spdlog::debug("check {} finished: {} in {} ms", run.id, StatusName(run.result.status),
                    run.duration.count());
    }
  }
}

void ApplyPolicy(std::vector<CheckRun>& runs, const RunPolicy& policy) {
  const bool ignore_all = policy.ignore.size() == 1 && policy.ignore[0] == "all";
  for (CheckRun& run : runs) {
    if (run.result.status == Status::kFail && (ignore_all || IdMatches(policy.ignore, run.id))) {
      run.result.status = Status::kWarn;
      run.ignored = true;
    }
  }
}

}  // namespace

bool IdMatches(const std::vector<std::string>& ids, std::string_view id) {
  const std::string lower = ToLower(id);
  return std::any_of(ids.begin(), ids.end(),
                     [&](const std::string& candidate) { return candidate == lower; });
}

RunOutcome RunChecks(const std::vector<std::shared_ptr<const Check>>& checks,
                     const std::shared_ptr<const Context>& ctx, const RunPolicy& policy) {
  auto board = std::make_shared<Board>();
  board->runs.resize(checks.size());
  board->done.assign(checks.size(), false);
  board->remaining = checks.size();
  for (std::size_t i = 0; i < checks.size(); ++i) {
    board->runs[i].id = std::string(checks[i]->Id());
    board->runs[i].title = std::string(checks[i]->Title());
  }
  const auto start = ctx->clock.SteadyNow();
  std::vector<std::thread> threads = StartThreads(checks, board, ctx);
  RunOutcome outcome = Collect(*board, threads, *ctx, start);
  for (std::thread& thread : threads) {
    if (thread.joinable()) thread.join();
  }
  Log(outcome.runs);
  ApplyPolicy(outcome.runs, policy);
  return outcome;
}

bool ChecksLeftRunning() { return g_let_go.load() != 0; }

}  // namespace preflight

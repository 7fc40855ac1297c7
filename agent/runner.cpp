#include "agent/runner.h"

#include <algorithm>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>

#include <spdlog/spdlog.h>

#include "platform/text.h"

namespace preflight {
namespace {

// Shared between the runner and the check threads; outlives the runner if a check hangs.
struct Board {
  std::mutex mutex;
  std::condition_variable done_cv;
  std::vector<CheckRun> runs;
  std::vector<bool> done;
  std::size_t remaining = 0;
};

CheckResult RunIsolated(const Check& check, const Context& ctx) {
  try {
    return check.Run(ctx);
  } catch (const std::exception& e) {
    CheckResult r;
    r.status = Status::kFail;
    r.summary = std::string("The check stopped with an internal error: ") + e.what();
    r.remediation = "Report this as a bug in mde-preflight, with the output of -v.";
    return r;
  } catch (...) {
    CheckResult r;
    r.status = Status::kFail;
    r.summary = "The check stopped with an unknown internal error.";
    r.remediation = "Report this as a bug in mde-preflight, with the output of -v.";
    return r;
  }
}

}  // namespace

bool IdMatches(const std::vector<std::string>& ids, std::string_view id) {
  const std::string lower = ToLower(id);
  return std::any_of(ids.begin(), ids.end(),
                     [&](const std::string& candidate) { return candidate == lower; });
}

RunOutcome RunChecks(const std::vector<std::shared_ptr<const Check>>& checks,
                     std::shared_ptr<const Context> ctx, const RunPolicy& policy) {
  auto board = std::make_shared<Board>();
  board->runs.resize(checks.size());
  board->done.assign(checks.size(), false);
  board->remaining = checks.size();

  for (std::size_t i = 0; i < checks.size(); ++i) {
    board->runs[i].id = std::string(checks[i]->Id());
    board->runs[i].title = std::string(checks[i]->Title());
    std::shared_ptr<const Check> check = checks[i];
    // Detached: a check stuck in the kernel (a hung NFS mount in statvfs) cannot be cancelled;
    // the report must still be complete at the deadline.
    std::thread([board, check, i, ctx] {
      const auto start = std::chrono::steady_clock::now();
      CheckResult result = RunIsolated(*check, *ctx);
      const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
          std::chrono::steady_clock::now() - start);
      spdlog::debug("check {} finished: {} in {} ms", check->Id(), StatusName(result.status),
                    elapsed.count());
      std::lock_guard<std::mutex> lock(board->mutex);
      board->runs[i].result = std::move(result);
      board->runs[i].duration = elapsed;
      board->done[i] = true;
      --board->remaining;
      board->done_cv.notify_all();
    }).detach();
  }

  const auto start = std::chrono::steady_clock::now();
  RunOutcome outcome;
  {
    std::unique_lock<std::mutex> lock(board->mutex);
    // A far-off deadline (time_point::max() in tests) is clipped: where the C library has no
    // clock-aware condition wait (mingw-w64's winpthreads), libstdc++ turns a steady_clock wait
    // into a system_clock one, and max() overflows there into "already expired".
    const auto limit = std::min(ctx->deadline, start + std::chrono::hours(24 * 365));
    board->done_cv.wait_until(lock, limit, [&] { return board->remaining == 0; });
    outcome.stragglers = board->remaining != 0;
    outcome.runs = board->runs;
    for (std::size_t i = 0; i < checks.size(); ++i) {
      if (board->done[i]) continue;
      CheckRun& run = outcome.runs[i];
      run.timed_out = true;
      run.duration = std::chrono::duration_cast<std::chrono::milliseconds>(
          std::chrono::steady_clock::now() - start);
      run.result = CheckResult{};
      run.result.status = Status::kWarn;
      run.result.summary =
          "The check did not finish before the run's deadline; its result is unknown.";
      run.result.remediation =
          "Run again with a longer --timeout; if it still does not finish, something on this "
          "machine is hanging (a stalled network mount or an unresponsive command).";
      spdlog::warn("check {} did not finish before the deadline", run.id);
    }
  }

  const bool ignore_all = policy.ignore.size() == 1 && policy.ignore[0] == "all";
  for (CheckRun& run : outcome.runs) {
    if (run.result.status == Status::kFail && (ignore_all || IdMatches(policy.ignore, run.id))) {
      run.result.status = Status::kWarn;
      run.ignored = true;
    }
  }
  return outcome;
}

}  // namespace preflight

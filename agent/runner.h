#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "probes/check.h"

namespace preflight {

struct CheckRun {
  std::string id;
  std::string title;
  CheckResult result;
  std::chrono::milliseconds duration{0};
  bool ignored = false;    // a failure turned into a warning by --ignore
  bool timed_out = false;  // still running at the deadline
};

struct RunPolicy {
  std::vector<std::string> ignore;  // lower-cased ids, or just "all"
};

struct RunOutcome {
  std::vector<CheckRun> runs;  // in the order of the checks given
  bool stragglers = false;     // some check threads are still running: exit without unwinding
};

// Runs every check concurrently (checks are mostly waiting on I/O; network checks must not wait
// on local ones), isolates exceptions, stops waiting at ctx.deadline and applies the policy.
// The checks and whatever ctx refers to must outlive stragglers: the caller ends the process
// with std::quick_exit (or returns from main only when !stragglers).
RunOutcome RunChecks(const std::vector<std::shared_ptr<const Check>>& checks, const Context& ctx,
                     const RunPolicy& policy);

bool IdMatches(const std::vector<std::string>& ids, std::string_view id);

}  // namespace preflight

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
// on local ones), isolates exceptions, stops waiting at ctx->deadline and applies the policy.
// A check still running at the deadline keeps its own references to the check and the context
// (shared ownership), so the caller may carry on; a process that exits with stragglers should
// leave through std::quick_exit so that no static destructor runs under them.
RunOutcome RunChecks(const std::vector<std::shared_ptr<const Check>>& checks,
                     std::shared_ptr<const Context> ctx, const RunPolicy& policy);

bool IdMatches(const std::vector<std::string>& ids, std::string_view id);

}  // namespace preflight

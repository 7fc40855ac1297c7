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
  bool stragglers = false;     // some checks were still running at the deadline
};

// Runs every check concurrently, one thread each (checks are mostly waiting on I/O; network
// checks must not wait on local ones), isolates exceptions, stops waiting at ctx->deadline and
// applies the policy. Every thread that finished is joined before it returns. A check still
// running at the deadline is left running: its thread owns shares of the check, the context and
// its result slot, so the caller may carry on and drop its own.
RunOutcome RunChecks(const std::vector<std::shared_ptr<const Check>>& checks,
                     const std::shared_ptr<const Context>& ctx, const RunPolicy& policy);

// True once a run of this process left a check running past its deadline. Such a process must
// leave through ExitNow (platform/process_exit.h), never by returning from main: static
// destructors and, on Windows, DLL detach code would run under that thread.
bool ChecksLeftRunning();

bool IdMatches(const std::vector<std::string>& ids, std::string_view id);

}  // namespace preflight

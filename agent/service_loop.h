#pragma once

// `mde-preflight service`: the loop both platforms run (service_host_*.cpp only meet the service
// manager). A check at start, then one every interval plus jitter; a reload request re-reads the
// config and checks at once; a stop ends the process within kStopBound even mid-check. Each run's
// report is kept in the state folder as report.json, report.html beside it, and history.jsonl
// for the verdict changes (agent/verdict_history.h).

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "agent/options.h"
#include "platform/result.h"
#include "probes/check.h"

namespace preflight {

class Environment;

// What one configuration of the service is: its options and the checks they select.
struct ServiceConfig {
  Options options;
  std::vector<std::shared_ptr<const Check>> checks;
};

// What the loop asks of the rest of the agent (app.cpp).
struct ServiceHooks {
  // Reads the config file and the environment again: at start and on every reload request.
  std::function<Result<ServiceConfig>()> load;
  // One check run: the report (as `check --format json` prints it).
  std::function<nlohmann::json(const ServiceConfig&)> check;
};

// How long a stop waits for a check run under way before the process leaves without it (the
// report on disk then stays the last complete one: every file is replaced atomically, and a
// write cut short leaves only a temporary file, removed at the next start). The 5 s bound on a
// stop is met so: the signal is taken at once by a thread that only waits for requests
// (WatchRequests in service_loop.cpp), which waits at most this grace for the run, then ends the
// process with ExitNow (no unwinding, no waiting for the run's threads). 2 s of grace leaves 3 s
// for a loaded machine to schedule that thread and tear the process down, and is ample for the
// writes (a few tens of KiB) to finish.
inline constexpr std::chrono::seconds kStopGrace{2};

// Where the service keeps its files, from report_path: the report, the HTML page beside it
// ("report.json" -> "report.html") and the history of verdict changes in the same folder.
struct StatePaths {
  std::string json;
  std::string html;
  std::string history;
  std::string folder;  // empty: the current directory
};
StatePaths StatePathsFor(const std::string& report_path);

// The JSON text of a report, as `check --format json` prints it and the service keeps it.
std::string ReportJsonText(const nlohmann::json& report);

// Runs the service until a stop is requested; returns the exit code. Call after
// StopSignal::Install() and before any other thread starts.
int RunServiceLoop(const ServiceHooks& hooks, const Environment& env);

}  // namespace preflight

#include "agent/service_loop.h"

#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <random>
#include <string_view>
#include <thread>

#include <spdlog/spdlog.h>

#include "agent/app.h"
#include "agent/journal_sink.h"
#include "agent/render_html.h"
#include "agent/report_outline.h"
#include "agent/service_schedule.h"
#include "agent/verdict_history.h"
#include "platform/atomic_file.h"
#include "platform/file_system.h"
#include "platform/notify_protocol.h"
#include "platform/process_exit.h"
#include "platform/service_notifier.h"
#include "platform/state_directory.h"
#include "platform/stop_signal.h"

namespace preflight {
namespace {

using std::chrono::steady_clock;

// What the loop promises beyond a step's own bound (KeepsPromise): building, rendering and
// writing a report after the run's deadline, and a late wake-up on a loaded machine.
constexpr std::chrono::minutes kPromiseMargin{2};
// The history is read up to this size; a larger file is not ours and is started afresh.
constexpr std::size_t kMaxHistoryRead = 2 * kHistoryMaxBytes;

// The state the loop shares with its two helper threads; each holds a share of it.
struct Shared {
  std::mutex mutex;
  std::condition_variable changed;
  bool stop = false;      // a stop was requested
  bool reload = false;    // a reload was requested and not yet taken
  bool busy = false;      // a check run (and its writes) is under way
  bool finished = false;  // the loop returned
  steady_clock::time_point promised_by = steady_clock::now() + kPromiseMargin;
};

void Promise(Shared& shared, steady_clock::duration within) {
  const std::lock_guard<std::mutex> lock(shared.mutex);
  shared.promised_by = steady_clock::now() + within + kPromiseMargin;
}

// The only thread that takes stop and reload requests. A stop during a check run waits
// kStopGrace for the run to end, then ends the process (ExitNow: the run's threads may still be
// at work, see runner.h).
void WatchRequests(const std::shared_ptr<Shared>& shared, const ServiceNotifier& notifier) {
  while (true) {
    const ServiceRequest request = StopSignal::Wait(std::chrono::minutes(1));
    std::unique_lock<std::mutex> lock(shared->mutex);
    if (request == ServiceRequest::kReload) {
      shared->reload = true;
      shared->changed.notify_all();
    } else if (request == ServiceRequest::kStop) {
      notifier.Send(notify::Stopping());
      shared->stop = true;
      shared->changed.notify_all();
      if (shared->changed.wait_for(lock, kStopGrace, [&] { return !shared->busy; })) return;
      spdlog::warn(
          "stopping during a check run: the run is abandoned; the report keeps the "
          "previous run's result");
      spdlog::default_logger()->flush();
      ExitNow(kExitOk);
    } else if (shared->finished) {
      return;
    }
  }
}

// Pings the watchdog while the loop keeps its promise (service_schedule.h says why).
void FeedWatchdog(const std::shared_ptr<Shared>& shared, const ServiceNotifier& notifier,
                  std::chrono::microseconds period) {
  const auto every = WatchdogPingEvery(period);
  bool late = false;
  std::unique_lock<std::mutex> lock(shared->mutex);
  while (!shared->changed.wait_for(lock, every, [&] { return shared->finished; })) {
    if (KeepsPromise(steady_clock::now(), shared->promised_by)) {
      notifier.Send(notify::Watchdog());
      late = false;
    } else if (!late) {
      late = true;
      spdlog::error(
          "the service loop is past its own deadline; no longer telling the watchdog "
          "it is alive");
    }
  }
}

std::string VerdictOf(const nlohmann::json& report) {
  std::string verdict = JsonText(report, "verdict");
  return verdict.empty() ? "unknown" : verdict;
}

std::string DescribeDelay(std::chrono::milliseconds delay) {
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(delay).count();
  if (seconds < 120) return fmt::format("{} s", seconds);
  return fmt::format("{} min", seconds / 60);
}

// Leftovers of a write the process did not finish (killed between the temporary file and the
// rename): WriteFileAtomic names them "<file>" + kAtomicTempInfix + "<unique>".
void RemoveStaleTemporaries(const StatePaths& paths) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path folder = paths.folder.empty() ? fs::path(".") : fs::path(paths.folder);
  for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    for (const std::string& ours : {paths.json, paths.html, paths.history}) {
      const std::string prefix = fs::path(ours).filename().string() + std::string(kAtomicTempInfix);
      std::error_code ignored;
      if (name.rfind(prefix, 0) == 0) fs::remove(it->path(), ignored);
    }
  }
}

class ServiceLoop {
 public:
  ServiceLoop(const ServiceHooks& hooks, ServiceConfig config, const ServiceNotifier& notifier,
              std::shared_ptr<Shared> shared, std::shared_ptr<ServiceLogFields> fields)
      : hooks_(hooks),
        config_(std::move(config)),
        notifier_(notifier),
        shared_(std::move(shared)),
        fields_(std::move(fields)),
        random_(std::random_device{}()) {}

  int Run();

 private:
  void PrepareState();
  bool CheckAndPublish();
  void Publish(const nlohmann::json& report);
  void RecordVerdict(const nlohmann::json& report);
  ServiceRequest WaitForNext(std::chrono::milliseconds delay);
  void Reload();
  std::chrono::milliseconds Interval() const;

  const ServiceHooks& hooks_;
  ServiceConfig config_;
  const ServiceNotifier& notifier_;
  std::shared_ptr<Shared> shared_;
  std::shared_ptr<ServiceLogFields> fields_;
  StatePaths paths_;
  std::optional<std::string> last_verdict_;
  std::string status_;
  std::mt19937_64 random_;
};

std::chrono::milliseconds ServiceLoop::Interval() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(ServiceInterval(config_.options));
}

void ServiceLoop::PrepareState() {
  paths_ = StatePathsFor(config_.options.report_path);
  if (!paths_.folder.empty()) {
    auto created = CreateStateDirectory(paths_.folder);
    if (!created.Ok()) {
      spdlog::error("cannot create the state folder: {}", created.Err().message);
    } else if (created.Value()) {
      spdlog::info("created the state folder {}", paths_.folder);
    }
  }
  RemoveStaleTemporaries(paths_);
  auto history = MakeFileSystem("/")->ReadFile(paths_.history, kMaxHistoryRead);
  last_verdict_ = history.Ok() ? LastVerdict(history.Value()) : std::nullopt;
}

void ServiceLoop::RecordVerdict(const nlohmann::json& report) {
  const auto change = DetectVerdictChange(last_verdict_, report);
  if (!change) return;
  last_verdict_ = change->to;
  std::string failing;
  for (const auto& id : change->failing) failing += (failing.empty() ? "" : ", ") + id;
  if (change->from) {
    spdlog::warn("verdict changed from {} to {}{}{}", *change->from, change->to,
                 failing.empty() ? "" : "; failing: ", failing);
  } else {
    spdlog::info("first verdict: {}", change->to);
  }
  auto history = MakeFileSystem("/")->ReadFile(paths_.history, kMaxHistoryRead);
  const std::string updated =
      AppendToHistory(history.Ok() ? history.Value() : std::string(), HistoryLine(*change));
  if (auto written = WriteFileAtomic(paths_.history, updated); !written.Ok()) {
    spdlog::error("cannot write the verdict history: {}", written.Err().message);
  }
}

// The JSON first: it is the contract automation reads; the page and the history follow it.
void ServiceLoop::Publish(const nlohmann::json& report) {
  if (auto written = WriteFileAtomic(paths_.json, ReportJsonText(report)); !written.Ok()) {
    spdlog::error("cannot write the report: {}", written.Err().message);
    status_ = "cannot write the report: " + written.Err().message;
    return;
  }
  if (auto written = WriteFileAtomic(paths_.html, RenderHtml(report)); !written.Ok()) {
    spdlog::error("cannot write the HTML report: {}", written.Err().message);
  }
  const std::string verdict = VerdictOf(report);
  fields_->Set(verdict, paths_.json);
  RecordVerdict(report);
  status_ = "verdict " + verdict + ": " + CountsText(report);
  spdlog::info("{}; report written to {}", status_, paths_.json);
}

// False, without a run, when a stop came first: decided under the lock the request thread takes,
// so a stop either finds the run under way (and gives it kStopGrace) or prevents it.
bool ServiceLoop::CheckAndPublish() {
  {
    const std::lock_guard<std::mutex> lock(shared_->mutex);
    if (shared_->stop) return false;
    shared_->busy = true;
    shared_->promised_by = steady_clock::now() + config_.options.timeout + kPromiseMargin;
  }
  Publish(hooks_.check(config_));
  const std::lock_guard<std::mutex> lock(shared_->mutex);
  shared_->busy = false;
  shared_->changed.notify_all();
  return true;
}

ServiceRequest ServiceLoop::WaitForNext(std::chrono::milliseconds delay) {
  Promise(*shared_, delay);
  std::unique_lock<std::mutex> lock(shared_->mutex);
  shared_->changed.wait_for(lock, delay, [&] { return shared_->stop || shared_->reload; });
  if (shared_->stop) return ServiceRequest::kStop;
  if (!shared_->reload) return ServiceRequest::kNone;
  shared_->reload = false;
  return ServiceRequest::kReload;
}

// A bad new config is logged and the running one kept: a typo must not stop the checks.
void ServiceLoop::Reload() {
  notifier_.Send(notify::Reloading(std::chrono::duration_cast<std::chrono::microseconds>(
      steady_clock::now().time_since_epoch())));
  auto loaded = hooks_.load();
  if (loaded.Ok()) {
    config_ = std::move(loaded).Value();
    spdlog::set_level(config_.options.verbosity > 0 ? spdlog::level::debug : spdlog::level::info);
    spdlog::info("config reloaded; checking now");
    PrepareState();
  } else {
    spdlog::error("cannot reload the config, keeping the previous one: {}", loaded.Err().message);
  }
  notifier_.Send(notify::Ready(status_));
}

int ServiceLoop::Run() {
  PrepareState();
  spdlog::info("service started: a check every {} (plus up to {}% jitter), report in {}",
               DescribeDelay(Interval()), 100 / kJitterDivisor, paths_.json);
  bool ready = false;
  while (CheckAndPublish()) {
    const auto delay = NextCheckDelay(Interval(), random_());
    const std::string status = status_ + "; next check in " + DescribeDelay(delay);
    notifier_.Send(ready ? notify::Status(status) : notify::Ready(status));
    ready = true;
    const ServiceRequest request = WaitForNext(delay);
    if (request == ServiceRequest::kStop) break;
    if (request == ServiceRequest::kReload) Reload();
  }
  spdlog::info("service stopping");
  return kExitOk;
}

// Ends the helper threads however the loop ends (an exception included).
class HelperThreads {
 public:
  explicit HelperThreads(std::shared_ptr<Shared> shared) : shared_(std::move(shared)) {}
  ~HelperThreads() {
    {
      const std::lock_guard<std::mutex> lock(shared_->mutex);
      shared_->finished = true;
      shared_->busy = false;
      shared_->changed.notify_all();
    }
    // The request watcher may be waiting for a signal: a stop request wakes it (a no-op after a
    // real stop, the usual way here).
    if (requests.joinable()) StopSignal::Request();
    for (std::thread* thread : {&requests, &watchdog}) {
      if (thread->joinable()) thread->join();
    }
  }
  HelperThreads(const HelperThreads&) = delete;
  HelperThreads& operator=(const HelperThreads&) = delete;
  std::thread requests;
  std::thread watchdog;

 private:
  std::shared_ptr<Shared> shared_;
};

}  // namespace

StatePaths StatePathsFor(const std::string& report_path) {
  namespace fs = std::filesystem;
  const fs::path json(report_path);
  fs::path html = json;
  html.replace_extension(".html");
  if (html == json) html += ".html";
  const fs::path folder = json.parent_path();
  return StatePaths{report_path, html.string(), (folder / "history.jsonl").string(),
                    folder.string()};
}

std::string ReportJsonText(const nlohmann::json& report) {
  // Replace invalid UTF-8 (a process name is whatever bytes its author chose) rather than throw.
  return report.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

int RunServiceLoop(const ServiceHooks& hooks, const Environment& env) {
  auto loaded = hooks.load();
  if (!loaded.Ok()) {
    spdlog::error("{}", loaded.Err().message);
    return kExitUsage;
  }
  spdlog::set_level(loaded.Value().options.verbosity > 0 ? spdlog::level::debug
                                                         : spdlog::level::info);
  auto fields = std::make_shared<ServiceLogFields>();
  if (LogToJournalIfConnected(env, fields)) spdlog::debug("logging to the journal");
  const ServiceNotifier notifier = ServiceNotifier::FromEnvironment(env);
  auto shared = std::make_shared<Shared>();
  ServiceLoop loop(hooks, std::move(loaded).Value(), notifier, shared, fields);
  HelperThreads helpers(shared);
  helpers.requests = std::thread([shared, &notifier] { WatchRequests(shared, notifier); });
  if (const auto period = notifier.WatchdogPeriod()) {
    helpers.watchdog =
        std::thread([shared, &notifier, p = *period] { FeedWatchdog(shared, notifier, p); });
  }
  return loop.Run();
}

}  // namespace preflight

#pragma once

// `mde-preflight service` as a real child process for the service tests: its own environment
// (nothing inherited that points at Azure, a proxy or a service manager), standard error kept in
// a file.

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace preflight::testing {

class ServiceProcess {
 public:
  // `env`: NAME=value entries added to the scrubbed environment. Null when fork fails.
  static std::unique_ptr<ServiceProcess> Start(const std::string& config,
                                               const std::vector<std::string>& env,
                                               const std::string& stderr_path);
  ~ServiceProcess();  // SIGKILL and reap when still running
  ServiceProcess(const ServiceProcess&) = delete;
  ServiceProcess& operator=(const ServiceProcess&) = delete;

  pid_t pid() const { return pid_; }
  void Signal(int sig) const;
  // The wait status once the process ended within `timeout`; nothing while it still runs.
  std::optional<int> Wait(std::chrono::milliseconds timeout);

 private:
  explicit ServiceProcess(pid_t pid) : pid_(pid) {}
  pid_t pid_;
  bool reaped_ = false;
};

// A temporary folder, removed with everything in it.
class ScratchDir {
 public:
  ScratchDir();
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Writes `text` to `path` by a rename, so the service never reads half a config.
void WriteWhole(const std::string& path, const std::string& text);
std::string ReadText(const std::string& path);
// The file parsed as JSON; discarded when missing or not JSON.
nlohmann::json ReadJson(const std::string& path);

void SleepFor(std::chrono::milliseconds duration);

// Polls `done` every 20 ms until it holds or `timeout` passes; true when it held.
template <class Predicate>
bool PollFor(std::chrono::milliseconds timeout, Predicate done) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= until) return false;
    SleepFor(std::chrono::milliseconds(20));
  }
  return true;
}

}  // namespace preflight::testing

#pragma once

// Starts a helper program (fanotify_holder, or a wrapper that execs it) for integration tests,
// waits until it prints "ready", and kills and reaps it when the object is destroyed, so no test
// leaves a process or a fanotify group behind.

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace preflight::testing {

class HolderProcess {
 public:
  // argv[0] is the program's path. Returns nullptr, with the reason (and whatever the program
  // printed) in *error, when it cannot be started, exits, or is not ready within `timeout`.
  static std::unique_ptr<HolderProcess> Start(const std::vector<std::string>& argv,
                                              std::chrono::milliseconds timeout,
                                              std::string* error);
  ~HolderProcess();
  HolderProcess(const HolderProcess&) = delete;
  HolderProcess& operator=(const HolderProcess&) = delete;

  pid_t Pid() const { return pid_; }
  // SIGKILL and reap now (idempotent).
  void Kill();

 private:
  HolderProcess(pid_t pid, int stdin_fd, int stdout_fd)
      : pid_(pid), stdin_fd_(stdin_fd), stdout_fd_(stdout_fd) {}
  pid_t pid_;
  int stdin_fd_;
  int stdout_fd_;
};

// The path of the fanotify_holder built next to the tests.
std::string FanotifyHolderPath();

// Why fanotify tests cannot run here (not root, fanotify_init refused, no permission events in
// this kernel), or "" when they can. `content_class` also requires FAN_CLASS_CONTENT groups.
std::string FanotifyUnavailableReason(bool content_class);

}  // namespace preflight::testing

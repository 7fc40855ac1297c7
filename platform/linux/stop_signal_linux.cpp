#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>

#include "platform/stop_signal.h"

namespace preflight {
namespace {

sigset_t StopSet() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  return set;
}

}  // namespace

void StopSignal::Install() {
  // Blocked in every thread, the signals stay pending until sigtimedwait collects them: no
  // async-signal-safety concerns and no thread ever dies of SIGTERM mid-write.
  const sigset_t set = StopSet();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

void StopSignal::Request() {
  // Directed at the process, not this thread, so sigtimedwait in whichever thread waits sees it.
  ::kill(::getpid(), SIGTERM);
}

bool StopSignal::WaitFor(std::chrono::milliseconds timeout) {
  const sigset_t set = StopSet();
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::nanoseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    timespec ts{};
    ts.tv_sec = static_cast<time_t>(left.count() / 1000000000);
    ts.tv_nsec = static_cast<long>(left.count() % 1000000000);
    const int sig = sigtimedwait(&set, nullptr, &ts);
    if (sig > 0) return true;
    if (errno == EAGAIN) return false;
    // EINTR: another signal (SIGCHLD from a probe's child); wait out the rest.
  }
}

}  // namespace preflight

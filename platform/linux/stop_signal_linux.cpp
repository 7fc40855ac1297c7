#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <ctime>

#include "platform/stop_signal.h"

namespace preflight {
namespace {

// A stop is final: once collected, later waits report it again without a new signal.
std::atomic<bool> g_stopped{false};

sigset_t StopSet() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  return set;
}

sigset_t AllSet() {
  sigset_t set = StopSet();
  sigaddset(&set, SIGHUP);
  return set;
}

// sigtimedwait over `set` until the deadline; the signal taken, or 0 on timeout.
int WaitForSignal(const sigset_t& set, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::nanoseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return 0;
    timespec ts{};
    ts.tv_sec = static_cast<time_t>(left.count() / 1000000000);
    ts.tv_nsec = static_cast<long>(left.count() % 1000000000);
    const int sig = sigtimedwait(&set, nullptr, &ts);
    if (sig > 0) return sig;
    if (errno == EAGAIN) return 0;
    // EINTR: another signal (SIGCHLD from a probe's child); wait out the rest.
  }
}

}  // namespace

void StopSignal::Install() {
  // Blocked in every thread, the signals stay pending until sigtimedwait collects them: no
  // async-signal-safety concerns and no thread ever dies of SIGTERM mid-write.
  const sigset_t set = AllSet();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

void StopSignal::Request() {
  // Directed at the process, not this thread, so sigtimedwait in whichever thread waits sees it.
  ::kill(::getpid(), SIGTERM);
}

void StopSignal::RequestReload() { ::kill(::getpid(), SIGHUP); }

bool StopSignal::WaitFor(std::chrono::milliseconds timeout) {
  if (g_stopped) return true;
  if (WaitForSignal(StopSet(), timeout) == 0) return false;
  g_stopped = true;
  return true;
}

ServiceRequest StopSignal::Wait(std::chrono::milliseconds timeout) {
  if (g_stopped) return ServiceRequest::kStop;
  const int sig = WaitForSignal(AllSet(), timeout);
  if (sig == 0) return ServiceRequest::kNone;
  if (sig == SIGHUP) return ServiceRequest::kReload;
  g_stopped = true;
  return ServiceRequest::kStop;
}

}  // namespace preflight

#include "platform/linux/posix_child.h"

#include <fcntl.h>
#include <linux/close_range.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <thread>

namespace preflight::posix_child {
namespace {

void MarkCloseOnExec(int fd) noexcept {
  const int flags = ::fcntl(fd, F_GETFD);
  if (flags >= 0 && (flags & FD_CLOEXEC) == 0) ::fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
}

// Walks /proc/self/fd with the raw getdents64 syscall: opendir/readdir may allocate, which is not
// async-signal-safe in a child forked from a multi-threaded parent.
bool MarkCloseOnExecFromProc() noexcept {
  const int dir = ::open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0) return false;
  alignas(8) char buffer[4096];
  for (;;) {
    const long n = ::syscall(SYS_getdents64, dir, buffer, sizeof(buffer));
    if (n <= 0) break;
    // struct linux_dirent64: u64 d_ino, s64 d_off, u16 d_reclen, u8 d_type, char d_name[]
    // (getdents(2)).
    constexpr long kReclenOffset = 16;
    constexpr long kNameOffset = 19;
    for (long pos = 0; pos + kNameOffset < n;) {
      std::uint16_t reclen = 0;
      std::memcpy(&reclen, buffer + pos + kReclenOffset, sizeof(reclen));
      if (reclen == 0) break;
      int fd = 0;
      bool numeric = true;
      const char* name = buffer + pos + kNameOffset;
      if (*name == '\0') numeric = false;
      for (; numeric && *name != '\0'; ++name) {
        if (*name < '0' || *name > '9' || fd > 100000000) {
          numeric = false;
        } else {
          fd = fd * 10 + (*name - '0');
        }
      }
      if (numeric && fd > STDERR_FILENO && fd != dir) MarkCloseOnExec(fd);
      pos += reclen;
    }
  }
  ::close(dir);
  return true;
}

void MarkInheritedCloseOnExec() noexcept {
  // Boost 1.81's close_all (posix/detail/close_handles.ipp) compares each whitelist entry with
  // itself, so it leaves every descriptor between stderr and its error pipe open in the child.
  // Those include the pipe write ends of runs on other threads, and a long-lived child holding
  // them would stall those runs until their timeout. Close-on-exec on everything fixes that.
#if defined(SYS_close_range)
  // CLOSE_RANGE_CLOEXEC needs Linux 5.11 (close_range(2)); older kernels take the fallbacks.
  if (::syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC) == 0) return;
#endif
  if (MarkCloseOnExecFromProc()) return;
  // No /proc: try every possible descriptor, bounded so a huge RLIMIT_NOFILE cannot stall us.
  constexpr rlim_t kMaxScan = 65536;
  struct rlimit limit {};
  rlim_t end = kMaxScan;
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < kMaxScan) end = limit.rlim_cur;
  for (rlim_t fd = STDERR_FILENO + 1; fd < end; ++fd) MarkCloseOnExec(static_cast<int>(fd));
}

}  // namespace

int PrepareBeforeExec() noexcept {
  if (::setpgid(0, 0) != 0) return errno;
  // Ignored dispositions and the signal mask survive exec (signal(7)); the child must not inherit
  // the agent's (SIGPIPE ignored for libcurl, say). Handlers go back to default first, as glibc's
  // posix_spawn does, so no parent handler can run in the child once the mask is cleared.
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  ::sigemptyset(&dfl.sa_mask);
  for (int sig = 1; sig < NSIG; ++sig) {
    struct sigaction old {};
    if (::sigaction(sig, nullptr, &old) != 0) continue;
    const bool reset = old.sa_handler != SIG_DFL &&
                       (old.sa_handler != SIG_IGN || sig == SIGPIPE || sig == SIGXFSZ);
    if (reset) ::sigaction(sig, &dfl, nullptr);
  }
  sigset_t none;
  ::sigemptyset(&none);
  if (::sigprocmask(SIG_SETMASK, &none, nullptr) != 0) return errno;
  MarkInheritedCloseOnExec();
  return 0;
}

void ExitAfterFailedExec() noexcept {
  // 127: what shells report for a command that could not be executed (POSIX 2.8.2).
  ::_exit(127);
}

ChildState Poll(int pid, ChildExit& exit) noexcept {
  int status = 0;
  const pid_t r = ::waitpid(pid, &status, WNOHANG);
  if (r == 0) return ChildState::kRunning;
  if (r < 0) return errno == EINTR ? ChildState::kRunning : ChildState::kLost;
  if (WIFEXITED(status)) {
    exit = ChildExit{WEXITSTATUS(status), 0};
  } else if (WIFSIGNALED(status)) {
    exit = ChildExit{128 + WTERMSIG(status), WTERMSIG(status)};
  }
  return ChildState::kExited;
}

void KillGroup(int pid) noexcept {
  if (pid <= 0) return;
  ::kill(-pid, SIGKILL);
  ::kill(pid, SIGKILL);
}

void ReapKilled(int pid) {
  // SIGKILL takes effect at once unless the child sleeps uninterruptibly; 2 s covers a loaded box.
  constexpr auto kGrace = std::chrono::seconds(2);
  constexpr auto kStep = std::chrono::milliseconds(2);
  const auto until = std::chrono::steady_clock::now() + kGrace;
  ChildExit ignored;
  while (Poll(pid, ignored) == ChildState::kRunning) {
    if (std::chrono::steady_clock::now() >= until) {
      try {
        std::thread([pid] {
          while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
          }
        }).detach();
      } catch (...) {
        // No thread to spare: the zombie stays until the agent exits; nothing else can be done.
      }
      return;
    }
    std::this_thread::sleep_for(kStep);
  }
}

void ReapFailed(int pid) noexcept {
  if (pid <= 0) return;
  while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
  }
}

}  // namespace preflight::posix_child

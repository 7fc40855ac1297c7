#pragma once

// The POSIX part of running a child: what the forked child does before exec, and how the parent
// waits for, kills and reaps it. Kept apart from process_runner_linux.cpp so the Boost.Process
// code there stays free of POSIX calls (a Windows runner will need its own version of this).

namespace preflight::posix_child {

// How a reaped child ended. A signal death follows the shell convention: exit_code = 128 + signal.
struct ChildExit {
  int exit_code = -1;
  int term_signal = 0;
};

// Runs in the forked child before exec, so it only makes async-signal-safe calls
// (signal-safety(7)): resets the signal mask and SIGPIPE/SIGXFSZ, starts a new process group (so a
// timeout can kill grandchildren too) and marks every descriptor above stderr close-on-exec.
// Returns 0 or an errno value.
int PrepareBeforeExec() noexcept;

// Leaves a forked child whose exec failed without running the parent's atexit handlers and static
// destructors (exit(3) would, and Boost 1.81 calls exit there).
[[noreturn]] void ExitAfterFailedExec() noexcept;

enum class ChildState { kRunning, kExited, kLost };

// Non-blocking check; on kExited the child has been reaped and `exit` filled. kLost means it can no
// longer be waited for (already reaped elsewhere, e.g. SIGCHLD set to SIG_IGN by the host program).
ChildState Poll(int pid, ChildExit& exit) noexcept;

// SIGKILL to the child's process group (PrepareBeforeExec made the child its leader), then to the
// child itself in case it left the group. Only call before the child is reaped.
void KillGroup(int pid) noexcept;

// Reaps a child that was just killed. Waits a bounded time; a child stuck in uninterruptible sleep
// (a hung NFS mount) is handed to a detached thread that reaps it whenever it dies.
void ReapKilled(int pid);

// Reaps a child whose exec failed: it is exiting already, so a blocking wait is short.
void ReapFailed(int pid) noexcept;

}  // namespace preflight::posix_child

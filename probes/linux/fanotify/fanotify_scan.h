#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "platform/clock.h"
#include "platform/file_system.h"
#include "probes/linux/fanotify/fdinfo_parser.h"

namespace preflight {

// PID_MAX_LIMIT, the ceiling of kernel.pid_max on 64-bit kernels (include/linux/threads.h:
// 4 * 1024 * 1024), plus room for the ~70 non-pid entries of /proc.
inline constexpr std::size_t kMaxProcEntries = std::size_t{4} * 1024 * 1024 + 4096;
// Per process. /proc/<pid>/fd lists descriptors in ascending order (fs/proc/fd.c), and daemons
// open their fanotify group at start-up, so the lowest 65536 are kept: 64 times the usual 1024
// RLIMIT_NOFILE soft limit, while a process with fs.nr_open (1048576) fds cannot stall the scan.
inline constexpr std::size_t kMaxFdsPerProcess = 65536;
// A group prints one ~140-byte line per inode mark (fs/notify/fdinfo.c); 4 MiB holds ~30,000
// marks. A longer fdinfo is re-read for its last 4 MiB and flagged as truncated.
inline constexpr std::size_t kMaxFdinfoBytes = std::size_t{4} * 1024 * 1024;
// /proc/<pid>/cmdline can reach ARG_MAX-sized values; 256 KiB covers real daemons (long Java
// command lines included) and the report shows at most kMaxCmdlineChars of it.
inline constexpr std::size_t kMaxCmdlineBytes = std::size_t{256} * 1024;
inline constexpr std::size_t kMaxCmdlineChars = 1024;
// comm is TASK_COMM_LEN (16) bytes including the NUL (include/linux/sched.h); status is ~1.5 KiB.
inline constexpr std::size_t kMaxCommBytes = 256;
inline constexpr std::size_t kMaxStatusBytes = std::size_t{64} * 1024;
// Denied processes named in the evidence; the counter carries the total.
inline constexpr std::size_t kMaxDeniedListed = 10;

// The readlink(2) target of a fanotify group fd (fs/notify/fanotify/fanotify_user.c creates it
// with anon_inode_getfd("[fanotify]"); checked on kernel 6.18, reference §"How the C++ agent").
inline constexpr std::string_view kFanotifyLinkTarget = "anon_inode:[fanotify]";

// Worker threads of the scan: reading /proc is CPU-bound in the kernel, so one per core helps,
// and more than a few only contend on the same locks.
inline constexpr std::size_t kMaxScanThreads = 8;

struct FanotifyScanOptions {
  std::size_t max_proc_entries = kMaxProcEntries;
  std::size_t max_fds_per_process = kMaxFdsPerProcess;
  std::size_t max_fdinfo_bytes = kMaxFdinfoBytes;
  // Also list every process whose comm is one of these (known conflicting services).
  std::vector<std::string> watch_comms;
  // Worker threads; 0: one per core (std::thread::hardware_concurrency), at most kMaxScanThreads.
  std::size_t threads = 0;
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  const Clock* clock = &SystemClock();  // what `deadline` is read against
};

struct FanotifyGroup {
  int fd = -1;
  FanotifyFdinfo info;
  bool truncated = false;  // fdinfo was longer than the cap; only its tail was parsed
  std::string error;       // fdinfo could not be read; the fd is still a fanotify group
};

struct FanotifyHolder {
  int pid = 0;
  std::string comm;
  std::string exe;  // without the " (deleted)" suffix
  bool exe_deleted = false;
  std::string exe_error;  // why exe is empty
  std::string cmdline;    // NULs as spaces, secret-looking values redacted, bounded
  std::optional<std::uint32_t> uid;
  std::vector<FanotifyGroup> groups;
};

struct NamedProcess {
  int pid = 0;
  std::string comm;
};

struct FanotifyScanStats {
  std::size_t processes_seen = 0;
  std::size_t fds_checked = 0;
  std::size_t fanotify_fds = 0;
  std::size_t vanished_processes = 0;  // exited between listing and reading (ENOENT/ESRCH)
  std::size_t vanished_fds = 0;
  std::size_t permission_denied = 0;  // processes that could not be (fully) inspected: EACCES
  std::size_t fdinfo_truncated = 0;
  std::size_t fd_lists_truncated = 0;
  std::size_t other_errors = 0;
  bool proc_list_truncated = false;
  bool deadline_reached = false;
  std::vector<std::string> error_samples;  // the first few unexpected errors, for evidence
};

struct FanotifyScan {
  bool proc_listed = false;
  Error proc_error;                     // why /proc could not be listed
  std::vector<FanotifyHolder> holders;  // by pid
  std::vector<NamedProcess> named;      // processes whose comm is in watch_comms, by pid
  std::vector<NamedProcess> denied;     // the first kMaxDeniedListed processes denied to us
  FanotifyScanStats stats;

  // Some processes or descriptors could not be inspected, so a holder may be missing.
  bool Partial() const {
    return stats.permission_denied > 0 || stats.fd_lists_truncated > 0 ||
           stats.proc_list_truncated || stats.deadline_reached || stats.other_errors > 0;
  }
};

// Walks /proc of the tree behind fs (the live machine, or a --root tree that holds a proc/ copy):
// every numeric entry, its fd/ links (FileSystem::FindFdLinks: one readlink per descriptor), and
// fdinfo only for links to a fanotify group. The pids are split among worker threads, each
// holding one process's links at a time, so memory stays bounded whatever the process count.
// Processes and descriptors that vanish mid-scan are counted and skipped. Never throws.
FanotifyScan ScanFanotifyHolders(const FileSystem& fs, const FanotifyScanOptions& options);

// A holder with its groups, named from /proc/<pid>/exe, cmdline and status (bounded reads).
FanotifyHolder IdentifyHolder(const FileSystem& fs, int pid, const std::string& comm,
                              std::vector<FanotifyGroup> groups);

}  // namespace preflight

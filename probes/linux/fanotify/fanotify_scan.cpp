#include "probes/linux/fanotify/fanotify_scan.h"
#include "probes/linux/fanotify/fanotify_scan_text.h"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <iterator>
#include <system_error>
#include <thread>
#include <utility>

namespace preflight {
namespace {

// Evidence keeps a handful of unexpected error messages; the counters carry the totals.
constexpr std::size_t kMaxErrorSamples = 5;
// proc(5): a deleted executable reads back as "<path> (deleted)".
constexpr std::string_view kDeletedSuffix = " (deleted)";

std::optional<int> ParsePid(std::string_view name) {
  if (name.empty() || name.size() > 10) return std::nullopt;
  int pid = 0;
  const auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), pid);
  if (ec != std::errc() || end != name.data() + name.size() || pid <= 0) return std::nullopt;
  if (name.front() == '0') return std::nullopt;
  return pid;
}

std::optional<int> ParseFd(std::string_view name) {
  if (name.empty() || name.size() > 10) return std::nullopt;
  int fd = 0;
  const auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), fd);
  if (ec != std::errc() || end != name.data() + name.size() || fd < 0) return std::nullopt;
  return fd;
}

std::string StripNewline(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\0')) text.pop_back();
  return text;
}

// Pids are handed out in chunks, so workers rarely touch the shared counter.
constexpr std::size_t kPidChunk = 32;

// One worker: scans the pids it takes from the shared list into its own FanotifyScan.
class Scanner {
 public:
  Scanner(const FileSystem& fs, const FanotifyScanOptions& options, const std::vector<int>& pids,
          std::atomic<std::size_t>& next, std::atomic<bool>& stop)
      : fs_(fs), options_(options), pids_(pids), next_(next), stop_(stop) {}

  FanotifyScan Run() {
    while (!stop_) {
      const std::size_t first = next_.fetch_add(kPidChunk);
      if (first >= pids_.size()) break;
      const std::size_t last = std::min(pids_.size(), first + kPidChunk);
      for (std::size_t i = first; i < last; ++i) {
        if (options_.clock->SteadyNow() >= options_.deadline) {
          scan_.stats.deadline_reached = true;
          stop_ = true;
          break;
        }
        ++scan_.stats.processes_seen;
        ScanProcess(pids_[i]);
      }
    }
    return std::move(scan_);
  }

 private:
  // Sorts an error into the counters. Vanished processes and fds are expected churn, not errors.
  void Count(const Error& error, bool fd_level) {
    switch (error.kind) {
      case ErrorKind::kNotFound:
        ++(fd_level ? scan_.stats.vanished_fds : scan_.stats.vanished_processes);
        return;
      case ErrorKind::kPermission:
        ++scan_.stats.permission_denied;
        return;
      default:
        ++scan_.stats.other_errors;
        if (scan_.stats.error_samples.size() < kMaxErrorSamples) {
          scan_.stats.error_samples.push_back(error.message);
        }
        return;
    }
  }

  // Access to a process's fds is one ptrace_may_access() decision for the whole process
  // (fs/proc/fd.c), so one EACCES means none of its fds can be read: count the process once.
  void Denied(int pid, const std::string& base) {
    if (pid == last_denied_) return;
    last_denied_ = pid;
    ++scan_.stats.permission_denied;
    if (scan_.denied.size() >= kMaxDeniedListed) return;
    auto comm = fs_.ReadFile(base + "/comm", kMaxCommBytes);
    scan_.denied.push_back(
        NamedProcess{pid, comm.Ok() ? ReportText(StripNewline(comm.Value()), kMaxCommBytes) : ""});
  }

  void ScanProcess(int pid) {
    const std::string base = "/proc/" + std::to_string(pid);
    std::optional<std::string> comm;
    if (!options_.watch_comms.empty()) {
      auto text = fs_.ReadFile(base + "/comm", kMaxCommBytes);
      if (!text.Ok()) {
        Count(text.Err(), false);
        return;
      }
      comm = StripNewline(std::move(text.Value()));
      const auto& watch = options_.watch_comms;
      if (std::find(watch.begin(), watch.end(), *comm) != watch.end()) {
        scan_.named.push_back(NamedProcess{pid, ReportText(*comm, kMaxCommBytes)});
      }
    }
    // One listing and one readlink per descriptor; fdinfo only for fanotify links.
    auto links = fs_.FindFdLinks(base + "/fd", options_.max_fds_per_process, kFanotifyLinkTarget);
    if (!links.Ok()) {
      if (links.Err().kind == ErrorKind::kPermission) return Denied(pid, base);
      Count(links.Err(), false);
      return;
    }
    const LinkScan& scan = links.Value();
    if (scan.truncated) ++scan_.stats.fd_lists_truncated;
    scan_.stats.fds_checked += scan.listed;
    scan_.stats.vanished_fds += scan.vanished;
    if (scan.other_errors > 0) {
      scan_.stats.other_errors += scan.other_errors - 1;
      Count(MakeError(ErrorKind::kOther, scan.first_error), true);
    }
    std::vector<FanotifyGroup> groups;
    for (const std::string& name : scan.matching) {
      const auto fd = ParseFd(name);
      if (!fd) continue;
      auto group = ReadGroup(pid, base, *fd);
      if (group) groups.push_back(std::move(*group));
    }
    std::sort(groups.begin(), groups.end(),
              [](const FanotifyGroup& a, const FanotifyGroup& b) { return a.fd < b.fd; });
    if (groups.empty()) return;
    scan_.stats.fanotify_fds += groups.size();
    if (!comm) {
      auto text = fs_.ReadFile(base + "/comm", kMaxCommBytes);
      if (!text.Ok() && text.Err().kind == ErrorKind::kNotFound) {
        ++scan_.stats.vanished_processes;
        return;
      }
      comm = text.Ok() ? StripNewline(std::move(text.Value())) : std::string();
    }
    scan_.holders.push_back(IdentifyHolder(fs_, pid, *comm, std::move(groups)));
  }

  std::optional<FanotifyGroup> ReadGroup(int pid, const std::string& base, int fd) {
    FanotifyGroup group;
    group.fd = fd;
    const std::string path = base + "/fdinfo/" + std::to_string(fd);
    auto text = fs_.ReadFile(path, options_.max_fdinfo_bytes);
    if (!text.Ok() && text.Err().kind == ErrorKind::kTooLarge) {
      // Keep what can be read: the last marks. The group line at the top is lost with the head.
      text = fs_.ReadTail(path, options_.max_fdinfo_bytes);
      group.truncated = text.Ok();
      if (group.truncated) ++scan_.stats.fdinfo_truncated;
    }
    if (!text.Ok()) {
      if (text.Err().kind == ErrorKind::kPermission) {
        Denied(pid, base);
      } else {
        Count(text.Err(), true);
      }
      if (text.Err().kind == ErrorKind::kNotFound) return std::nullopt;
      group.error = text.Err().message;
      return group;
    }
    group.info = ParseFdinfo(text.Value());
    return group;
  }

  const FileSystem& fs_;
  const FanotifyScanOptions& options_;
  const std::vector<int>& pids_;
  std::atomic<std::size_t>& next_;
  std::atomic<bool>& stop_;
  FanotifyScan scan_;
  int last_denied_ = 0;
};

std::size_t WorkerCount(const FanotifyScanOptions& options, std::size_t pids) {
  std::size_t count = options.threads;
  if (count == 0) count = std::max(1U, std::thread::hardware_concurrency());
  count = std::min({count, kMaxScanThreads, (pids + kPidChunk - 1) / kPidChunk});
  return std::max<std::size_t>(count, 1);
}

void Merge(FanotifyScan&& part, FanotifyScan& into) {
  FanotifyScanStats& s = into.stats;
  const FanotifyScanStats& p = part.stats;
  s.processes_seen += p.processes_seen;
  s.fds_checked += p.fds_checked;
  s.fanotify_fds += p.fanotify_fds;
  s.vanished_processes += p.vanished_processes;
  s.vanished_fds += p.vanished_fds;
  s.permission_denied += p.permission_denied;
  s.fdinfo_truncated += p.fdinfo_truncated;
  s.fd_lists_truncated += p.fd_lists_truncated;
  s.other_errors += p.other_errors;
  s.deadline_reached = s.deadline_reached || p.deadline_reached;
  for (const std::string& sample : p.error_samples) {
    if (s.error_samples.size() < kMaxErrorSamples) s.error_samples.push_back(sample);
  }
  const auto append = [](auto& to, auto& from) {
    to.insert(to.end(), std::make_move_iterator(from.begin()), std::make_move_iterator(from.end()));
  };
  append(into.holders, part.holders);
  append(into.named, part.named);
  append(into.denied, part.denied);
}

}  // namespace

FanotifyHolder IdentifyHolder(const FileSystem& fs, int pid, const std::string& comm,
                              std::vector<FanotifyGroup> groups) {
  const std::string base = "/proc/" + std::to_string(pid);
  FanotifyHolder holder;
  holder.pid = pid;
  holder.comm = ReportText(comm, kMaxCommBytes);
  holder.groups = std::move(groups);
  auto exe = fs.ReadLink(base + "/exe");
  if (exe.Ok()) {
    std::string path = std::move(exe.Value());
    if (path.size() > kDeletedSuffix.size() &&
        path.compare(path.size() - kDeletedSuffix.size(), std::string::npos, kDeletedSuffix) == 0) {
      path.resize(path.size() - kDeletedSuffix.size());
      holder.exe_deleted = true;
    }
    holder.exe = ReportText(path, 4096);
  } else {
    holder.exe_error = exe.Err().message;
  }
  auto cmdline = fs.ReadFile(base + "/cmdline", kMaxCmdlineBytes);
  if (cmdline.Ok()) {
    holder.cmdline = FormatCmdline(cmdline.Value(), kMaxCmdlineChars);
  } else if (cmdline.Err().kind == ErrorKind::kTooLarge) {
    auto tail = fs.ReadTail(base + "/cmdline", kMaxCmdlineBytes);
    if (tail.Ok()) holder.cmdline = "... " + FormatCmdline(tail.Value(), kMaxCmdlineChars);
  }
  auto status = fs.ReadFile(base + "/status", kMaxStatusBytes);
  if (status.Ok()) holder.uid = ParseStatusUid(status.Value());
  return holder;
}

FanotifyScan ScanFanotifyHolders(const FileSystem& fs, const FanotifyScanOptions& options) {
  FanotifyScan scan;
  auto listing = fs.ListDir("/proc", options.max_proc_entries);
  if (!listing.Ok()) {
    scan.proc_error = listing.Err();
    return scan;
  }
  scan.proc_listed = true;
  scan.stats.proc_list_truncated = listing.Value().truncated;
  std::vector<int> pids;
  for (const DirEntry& entry : listing.Value().entries) {
    if (const auto pid = ParsePid(entry.name)) pids.push_back(*pid);
  }
  std::sort(pids.begin(), pids.end());
  std::atomic<std::size_t> next{0};
  std::atomic<bool> stop{false};
  std::vector<FanotifyScan> parts(WorkerCount(options, pids.size()));
  const auto work = [&](std::size_t i) { parts[i] = Scanner(fs, options, pids, next, stop).Run(); };
  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < parts.size(); ++i) {
    try {
      threads.emplace_back(work, i);
    } catch (const std::system_error&) {
      break;  // no more threads: the workers already running take the rest
    }
  }
  work(0);
  for (std::thread& thread : threads) thread.join();
  for (FanotifyScan& part : parts) Merge(std::move(part), scan);
  const auto by_pid = [](const auto& a, const auto& b) { return a.pid < b.pid; };
  std::sort(scan.holders.begin(), scan.holders.end(), by_pid);
  std::sort(scan.named.begin(), scan.named.end(), by_pid);
  std::sort(scan.denied.begin(), scan.denied.end(), by_pid);
  if (scan.denied.size() > kMaxDeniedListed) scan.denied.resize(kMaxDeniedListed);
  return scan;
}

}  // namespace preflight

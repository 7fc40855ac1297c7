#include "probes/linux/fanotify/fanotify_scan.h"
#include "probes/linux/fanotify/fanotify_scan_text.h"

#include <algorithm>
#include <charconv>
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

class Scanner {
 public:
  Scanner(const FileSystem& fs, const FanotifyScanOptions& options) : fs_(fs), options_(options) {}

  FanotifyScan Run() {
    auto listing = fs_.ListDir("/proc", options_.max_proc_entries);
    if (!listing.Ok()) {
      scan_.proc_error = listing.Err();
      return std::move(scan_);
    }
    scan_.proc_listed = true;
    scan_.stats.proc_list_truncated = listing.Value().truncated;
    for (const DirEntry& entry : listing.Value().entries) {
      const auto pid = ParsePid(entry.name);
      if (!pid) continue;
      if (options_.clock->SteadyNow() >= options_.deadline) {
        scan_.stats.deadline_reached = true;
        break;
      }
      ++scan_.stats.processes_seen;
      ScanProcess(*pid);
    }
    const auto by_pid = [](const auto& a, const auto& b) { return a.pid < b.pid; };
    std::sort(scan_.holders.begin(), scan_.holders.end(), by_pid);
    std::sort(scan_.named.begin(), scan_.named.end(), by_pid);
    std::sort(scan_.denied.begin(), scan_.denied.end(), by_pid);
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
    auto fds = fs_.ListDir(base + "/fd", options_.max_fds_per_process);
    if (!fds.Ok()) {
      if (fds.Err().kind == ErrorKind::kPermission) return Denied(pid, base);
      Count(fds.Err(), false);
      return;
    }
    if (fds.Value().truncated) ++scan_.stats.fd_lists_truncated;
    std::vector<FanotifyGroup> groups;
    for (const DirEntry& entry : fds.Value().entries) {
      const auto fd = ParseFd(entry.name);
      if (!fd) continue;
      ++scan_.stats.fds_checked;
      // readlink only: fdinfo is read for fanotify links alone, which keeps the scan cheap.
      auto target = fs_.ReadLink(base + "/fd/" + entry.name);
      if (!target.Ok()) {
        if (target.Err().kind == ErrorKind::kPermission) return Denied(pid, base);
        Count(target.Err(), true);
        continue;
      }
      if (target.Value() != kFanotifyLinkTarget) continue;
      auto group = ReadGroup(pid, base, *fd);
      if (group) groups.push_back(std::move(*group));
    }
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
    scan_.holders.push_back(Identify(pid, base, *comm, std::move(groups)));
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

  FanotifyHolder Identify(int pid, const std::string& base, const std::string& comm,
                          std::vector<FanotifyGroup> groups) {
    FanotifyHolder holder;
    holder.pid = pid;
    holder.comm = ReportText(comm, kMaxCommBytes);
    holder.groups = std::move(groups);
    auto exe = fs_.ReadLink(base + "/exe");
    if (exe.Ok()) {
      std::string path = std::move(exe.Value());
      if (path.size() > kDeletedSuffix.size() &&
          path.compare(path.size() - kDeletedSuffix.size(), std::string::npos, kDeletedSuffix) ==
              0) {
        path.resize(path.size() - kDeletedSuffix.size());
        holder.exe_deleted = true;
      }
      holder.exe = ReportText(path, 4096);
    } else {
      holder.exe_error = exe.Err().message;
    }
    auto cmdline = fs_.ReadFile(base + "/cmdline", kMaxCmdlineBytes);
    if (cmdline.Ok()) {
      holder.cmdline = FormatCmdline(cmdline.Value(), kMaxCmdlineChars);
    } else if (cmdline.Err().kind == ErrorKind::kTooLarge) {
      auto tail = fs_.ReadTail(base + "/cmdline", kMaxCmdlineBytes);
      if (tail.Ok()) holder.cmdline = "... " + FormatCmdline(tail.Value(), kMaxCmdlineChars);
    }
    auto status = fs_.ReadFile(base + "/status", kMaxStatusBytes);
    if (status.Ok()) holder.uid = ParseStatusUid(status.Value());
    return holder;
  }

  const FileSystem& fs_;
  const FanotifyScanOptions& options_;
  FanotifyScan scan_;
  int last_denied_ = 0;
};

}  // namespace

FanotifyScan ScanFanotifyHolders(const FileSystem& fs, const FanotifyScanOptions& options) {
  return Scanner(fs, options).Run();
}

}  // namespace preflight

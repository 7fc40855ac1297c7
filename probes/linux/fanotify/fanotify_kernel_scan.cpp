#include "probes/linux/fanotify/fanotify_kernel_scan.h"

#include <algorithm>
#include <map>
#include <utility>

#include "probes/linux/fanotify/fanotify_scan_text.h"

namespace preflight {
namespace {

FanotifyGroup GroupOf(const FileSystem& fs, const KernelFanotifyGroup& kernel,
                      const FanotifyScanOptions& options) {
  FanotifyGroup group;
  group.fd = kernel.fd;
  if (kernel.marks_cut) {
    // More marks than the kernel walk takes: fdinfo has them all (or its bounded tail).
    const std::string path =
        "/proc/" + std::to_string(kernel.pid) + "/fdinfo/" + std::to_string(kernel.fd);
    auto text = fs.ReadTail(path, options.max_fdinfo_bytes);
    if (text.Ok()) {
      group.info = ParseFdinfo(text.Value());
      group.truncated = text.Value().size() >= options.max_fdinfo_bytes;
      if (!group.truncated) return group;
    }
    group.truncated = true;
  }
  group.info.has_group_line = true;
  group.info.flags = kernel.flags;
  group.info.event_flags = kernel.event_flags;
  for (const KernelFanotifyMark& mark : kernel.marks) {
    FanotifyMark out;
    out.kind = MarkKindOfObjectType(mark.object_type);
    out.mask = mark.mask;
    out.ignored_mask = mark.ignore_mask;
    out.has_mask = true;
    group.info.marks.push_back(std::move(out));
  }
  return group;
}

}  // namespace

FanotifyMarkKind MarkKindOfObjectType(std::uint32_t object_type) {
  switch (object_type) {
    case 0:
      return FanotifyMarkKind::kInode;
    case 1:
      return FanotifyMarkKind::kMount;
    case 2:
      return FanotifyMarkKind::kFilesystem;
    case 3:
      return FanotifyMarkKind::kMountNamespace;
    default:
      return FanotifyMarkKind::kOther;
  }
}

FanotifyScan ScanFromKernel(const FileSystem& fs, const KernelFanotifyScan& kernel,
                            const FanotifyScanOptions& options) {
  FanotifyScan scan;
  scan.proc_listed = true;
  std::map<int, std::string> comms;
  for (const KernelProcess& process : kernel.processes) {
    ++scan.stats.processes_seen;
    comms[process.pid] = process.comm;
    const auto& watch = options.watch_comms;
    if (std::find(watch.begin(), watch.end(), process.comm) != watch.end()) {
      scan.named.push_back(NamedProcess{process.pid, ReportText(process.comm, kMaxCommBytes)});
    }
  }
  std::map<int, std::vector<FanotifyGroup>> by_pid;
  for (const KernelFanotifyGroup& group : kernel.groups) {
    by_pid[group.pid].push_back(GroupOf(fs, group, options));
    ++scan.stats.fanotify_fds;
    if (by_pid[group.pid].back().truncated) ++scan.stats.fdinfo_truncated;
  }
  for (auto& [pid, groups] : by_pid) {
    std::sort(groups.begin(), groups.end(),
              [](const FanotifyGroup& a, const FanotifyGroup& b) { return a.fd < b.fd; });
    scan.holders.push_back(IdentifyHolder(fs, pid, comms[pid], std::move(groups)));
  }
  const auto by_pid_order = [](const auto& a, const auto& b) { return a.pid < b.pid; };
  std::sort(scan.named.begin(), scan.named.end(), by_pid_order);
  return scan;
}

}  // namespace preflight

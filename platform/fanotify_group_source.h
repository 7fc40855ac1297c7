#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "platform/result.h"

namespace preflight {

// One fanotify mark as the kernel holds it (struct fsnotify_mark,
// include/linux/fsnotify_backend.h).
struct KernelFanotifyMark {
  // enum fsnotify_obj_type: 0 inode, 1 mount, 2 filesystem (super block), 3 mount namespace.
  std::uint32_t object_type = 0;
  std::uint64_t mask = 0;
  std::uint64_t ignore_mask = 0;
};

// One fanotify group file of one process, read in the kernel.
struct KernelFanotifyGroup {
  int pid = 0;
  int fd = -1;
  std::uint64_t flags = 0;        // the fanotify_init(2) flags, as fdinfo's "fanotify flags:"
  std::uint64_t event_flags = 0;  // fdinfo's "event-flags:"
  std::uint32_t priority = 0;     // 0 notify, 1 content, 2 pre-content (enum fsnotify_group_prio)
  std::vector<KernelFanotifyMark> marks;
  bool marks_cut = false;  // more marks than the in-kernel walk takes; the rest are missing
};

struct KernelProcess {
  int pid = 0;
  std::string comm;
};

struct KernelFanotifyScan {
  std::vector<KernelFanotifyGroup> groups;
  std::vector<KernelProcess> processes;  // every process (thread-group leader) and its comm
};

// Where the in-kernel fanotify scan comes from: a BPF task-file iterator on Linux builds that
// have the BPF toolchain (platform/linux/bpf/fanotify_iter.bpf.c). Scan() is kUnavailable with
// the reason when the program is not built in or cannot be loaded here (no BTF, no CAP_BPF /
// CAP_PERFMON / CAP_SYS_ADMIN, a kernel without task-file iterators).
class FanotifyGroupSource {
 public:
  virtual ~FanotifyGroupSource() = default;
  virtual Result<KernelFanotifyScan> Scan() const = 0;
};

std::unique_ptr<FanotifyGroupSource> MakeFanotifyGroupSource();

}  // namespace preflight

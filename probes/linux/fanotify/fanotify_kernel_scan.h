#pragma once

#include <string>

#include "platform/fanotify_group_source.h"
#include "platform/file_system.h"
#include "probes/linux/fanotify/fanotify_scan.h"

namespace preflight {

// The fanotify mark kind of a kernel object type (enum fsnotify_obj_type,
// include/linux/fsnotify_backend.h, Linux v6.18: inode 0, vfsmount 1, sb 2, mntns 3).
FanotifyMarkKind MarkKindOfObjectType(std::uint32_t object_type);

// The scan the in-kernel iterator saw, in the /proc scan's terms: the groups with their class,
// flags and marks as fdinfo would show them (object ids aside), the processes named in
// options.watch_comms, and each holder named from /proc/<pid>/exe, cmdline and status. A group
// whose marks the kernel walk cut short is re-read from fdinfo.
FanotifyScan ScanFromKernel(const FileSystem& fs, const KernelFanotifyScan& kernel,
                            const FanotifyScanOptions& options);

}  // namespace preflight

#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "platform/file_system.h"

namespace preflight {

// FileSystem::FindFdLinks for a real directory (`host_dir` is a host path): one open(2), then
// getdents64(2) calls, and one readlinkat(2) per entry relative to the directory, so nothing per
// entry beyond what the cheapest scan of /proc/<pid>/fd needs (no stat, no path walk from /).
// kNotFound when the directory is gone (a process that exited).
Result<LinkScan> FindFdLinksAt(const std::string& host_dir, std::size_t max_entries,
                               std::string_view wanted);

}  // namespace preflight

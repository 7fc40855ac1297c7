#pragma once

#include <string>
#include <string_view>

namespace preflight {

class FileSystem;

// "/a/./b/../c//d" -> "/a/c/d"; ".." never climbs above "/". Pure.
std::string NormalizePath(std::string_view path);

// Follows the symbolic links of `path`'s last component inside the inspected tree, so that an
// absolute target ("/etc/alternatives/python3") is read under --root rather than on the host that
// runs the agent. Stops after kMaxLinkHops (40 is the kernel's MAXSYMLINKS, include/linux/namei.h).
// Returns the final path, which may not exist.
std::string ResolveInTree(const FileSystem& fs, const std::string& path);

inline constexpr int kMaxLinkHops = 40;

}  // namespace preflight

#include "probes/common/tree_links.h"

#include <vector>

#include "platform/file_system.h"

namespace preflight {

std::string NormalizePath(std::string_view path) {
  std::vector<std::string_view> parts;
  while (!path.empty()) {
    const std::size_t slash = path.find('/');
    const std::string_view part = path.substr(0, slash);
    path = slash == std::string_view::npos ? std::string_view() : path.substr(slash + 1);
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
      continue;
    }
    parts.push_back(part);
  }
  std::string out;
  for (const std::string_view part : parts) {
    out += '/';
    out += part;
  }
  return out.empty() ? "/" : out;
}

std::string ResolveInTree(const FileSystem& fs, const std::string& path) {
  std::string current = NormalizePath(path);
  for (int hop = 0; hop < kMaxLinkHops; ++hop) {
    auto target = fs.ReadLink(current);
    if (!target.Ok() || target.Value().empty()) return current;
    if (target.Value().front() == '/') {
      current = NormalizePath(target.Value());
    } else {
      const std::size_t slash = current.rfind('/');
      current = NormalizePath(current.substr(0, slash + 1) + target.Value());
    }
  }
  return current;
}

}  // namespace preflight

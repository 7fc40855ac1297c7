#include "probes/linux/mounts.h"

#include <algorithm>

#include "platform/text.h"

namespace preflight {
namespace {

bool IsOctal(char c) { return c >= '0' && c <= '7'; }

std::string Unescape(std::string_view field) {
  std::string out;
  out.reserve(field.size());
  for (std::size_t i = 0; i < field.size(); ++i) {
    if (field[i] == '\\' && i + 3 < field.size() && IsOctal(field[i + 1]) &&
        IsOctal(field[i + 2]) && IsOctal(field[i + 3])) {
      const int value = (field[i + 1] - '0') * 64 + (field[i + 2] - '0') * 8 + (field[i + 3] - '0');
      out.push_back(static_cast<char>(value & 0xFF));
      i += 3;
      continue;
    }
    out.push_back(field[i]);
  }
  return out;
}

std::vector<std::string_view> Fields(std::string_view line, std::size_t max_fields) {
  std::vector<std::string_view> fields;
  std::size_t i = 0;
  while (i < line.size() && fields.size() < max_fields) {
    while (i < line.size() && IsBlank(line[i])) ++i;
    const std::size_t start = i;
    while (i < line.size() && !IsBlank(line[i])) ++i;
    if (i > start) fields.push_back(line.substr(start, i - start));
  }
  return fields;
}

bool Holds(std::string_view mount_point, std::string_view path) {
  if (mount_point == "/") return !path.empty() && path.front() == '/';
  if (path.size() < mount_point.size() || path.substr(0, mount_point.size()) != mount_point) {
    return false;
  }
  return path.size() == mount_point.size() || path[mount_point.size()] == '/';
}

}  // namespace

std::vector<MountEntry> ParseMounts(std::string_view text) {
  std::vector<MountEntry> mounts;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    const std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    const auto fields = Fields(line, 4);
    if (fields.size() < 4 || fields[0].front() == '#') continue;
    MountEntry entry;
    entry.device = Unescape(fields[0]);
    entry.mount_point = Unescape(fields[1]);
    // fstab(5) tolerates "/opt/"; the kernel never writes a trailing slash.
    while (entry.mount_point.size() > 1 && entry.mount_point.back() == '/') {
      entry.mount_point.pop_back();
    }
    entry.fs_type = Unescape(fields[2]);
    std::string_view options = fields[3];
    while (!options.empty()) {
      const std::size_t comma = options.find(',');
      const std::string_view option = options.substr(0, comma);
      if (!option.empty()) entry.options.push_back(Unescape(option));
      options = comma == std::string_view::npos ? std::string_view() : options.substr(comma + 1);
    }
    mounts.push_back(std::move(entry));
  }
  return mounts;
}

const MountEntry* FindMountFor(const std::vector<MountEntry>& mounts, std::string_view path) {
  const MountEntry* best = nullptr;
  for (const MountEntry& mount : mounts) {
    if (mount.mount_point.empty() || mount.mount_point.front() != '/') continue;
    if (!Holds(mount.mount_point, path)) continue;
    if (best == nullptr || mount.mount_point.size() >= best->mount_point.size()) best = &mount;
  }
  return best;
}

bool HasOption(const MountEntry& mount, std::string_view option) {
  return std::find(mount.options.begin(), mount.options.end(), option) != mount.options.end();
}

}  // namespace preflight

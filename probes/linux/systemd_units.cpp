#include "probes/linux/systemd_units.h"

#include <string_view>

#include "platform/file_system.h"

namespace preflight {
namespace {

constexpr const char* kUnitDirs[] = {"/etc/systemd/system", "/usr/lib/systemd/system",
                                     "/lib/systemd/system"};
// A unit directory holds a few hundred units and target directories; 8192 bounds a hostile tree.
constexpr std::size_t kMaxUnitDirEntries = 8192;

// A link counts without following it: under --root its absolute target names the tree, not the
// machine running the agent.
bool Present(const FileSystem& fs, const std::string& path) {
  return fs.ReadLink(path).Ok() || fs.Exists(path);
}

}  // namespace

UnitFile FindUnitFile(const FileSystem& fs, const std::string& unit) {
  UnitFile found;
  for (const char* dir : kUnitDirs) {
    const std::string path = std::string(dir) + "/" + unit;
    const Result<std::string> target = fs.ReadLink(path);
    if (target.Ok() && target.Value() == "/dev/null") {
      found.masked = true;
    } else if (found.path.empty() && Present(fs, path)) {
      found.path = path;
    }
  }
  return found;
}

std::string FindEnablingLink(const FileSystem& fs, const std::string& unit) {
  for (const char* dir : kUnitDirs) {
    const Result<DirListing> listing = fs.ListDir(dir, kMaxUnitDirEntries);
    if (!listing.Ok()) continue;
    for (const DirEntry& entry : listing.Value().entries) {
      if (!entry.name.ends_with(".wants") && !entry.name.ends_with(".requires")) continue;
      std::string link = std::string(dir) + "/" + entry.name + "/" + unit;
      if (Present(fs, link)) return link;
    }
  }
  return {};
}

}  // namespace preflight

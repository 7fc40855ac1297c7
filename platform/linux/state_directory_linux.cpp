#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "platform/state_directory.h"

namespace preflight {
namespace {

// The state folder's mode (systemd's StateDirectoryMode= default is 0755; ours is narrower:
// reports name processes and products on the host).
constexpr mode_t kStateDirectoryMode = 0750;

}  // namespace

Result<bool> CreateStateDirectory(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::is_directory(path, ec)) return false;
  const fs::path parent = fs::path(path).parent_path();
  if (!parent.empty()) {
    fs::create_directories(parent, ec);
    if (ec)
      return MakeError(ErrorKind::kOther, "cannot create " + parent.string() + ": " + ec.message());
  }
  if (::mkdir(path.c_str(), kStateDirectoryMode) != 0 && errno != EEXIST) {
    return MakeError(errno == EACCES ? ErrorKind::kPermission : ErrorKind::kOther,
                     "cannot create " + path + ": " + std::strerror(errno));
  }
  if (::chmod(path.c_str(), kStateDirectoryMode) != 0) {
    return MakeError(ErrorKind::kOther,
                     "cannot set the mode of " + path + ": " + std::strerror(errno));
  }
  return true;
}

}  // namespace preflight

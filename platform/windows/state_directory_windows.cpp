#include <filesystem>
#include <system_error>

#include "platform/state_directory.h"
#include "platform/windows/win32_util.h"

namespace preflight {

// CreateDirectoryW under std::filesystem with no security descriptor: the new folders inherit
// their parent's ACL (https://learn.microsoft.com/windows/win32/api/fileapi/
// nf-fileapi-createdirectoryw, lpSecurityAttributes).
Result<bool> CreateStateDirectory(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  auto wide = win32::Wide(path, "the state folder");
  if (!wide.Ok()) return wide.Err();
  const fs::path folder(wide.Value());
  if (fs::is_directory(folder, ec)) return false;
  fs::create_directories(folder, ec);
  if (ec) return MakeError(ErrorKind::kOther, "cannot create " + path + ": " + ec.message());
  return true;
}

}  // namespace preflight

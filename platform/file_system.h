#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "platform/result.h"

namespace preflight {

enum class FileType { kRegular, kDirectory, kSymlink, kOther };

struct DirEntry {
  std::string name;
  FileType type = FileType::kOther;
};

struct DirListing {
  std::vector<DirEntry> entries;
  bool truncated = false;  // the directory held more than max_entries
};

struct FileInfo {
  FileType type = FileType::kOther;
  std::uint64_t size = 0;
  std::int64_t mtime_unix = 0;  // seconds since the epoch
  std::uint32_t mode = 0;       // permission bits (POSIX); 0 where the OS has none
};

struct SpaceInfo {
  std::uint64_t capacity_bytes = 0;
  std::uint64_t available_bytes = 0;  // to an unprivileged user, as df shows it
};

// The file system, seen through a root prefix: every path is absolute in the inspected tree
// ("/etc/os-release") and the implementation maps it below the root (`--root DIR`). Every read is
// bounded by the caller (STYLE.md, convention 5).
//
// On Windows the tree's paths are '/'-separated too and the root is a directory: the running
// machine's root is its system drive, so "/Windows/System32/drivers" is
// "C:\Windows\System32\drivers", and under `--root D:\image` it is
// "D:\image\Windows\System32\drivers". Paths are UTF-8 in and out. On the running machine a
// path that is already a Windows path ("C:\ProgramData\...", "\\server\share\...") is taken
// as it is, so the agent's own files can be named in Windows terms; below another root such a path
// is kInvalid (platform/windows/file_system_windows.cpp).
class FileSystem {
 public:
  virtual ~FileSystem() = default;

  // The whole file; ErrorKind::kTooLarge when it holds more than max_bytes.
  virtual Result<std::string> ReadFile(const std::string& path, std::size_t max_bytes) const = 0;
  // At most the last max_bytes of the file (logs).
  virtual Result<std::string> ReadTail(const std::string& path, std::size_t max_bytes) const = 0;
  // The target of a symbolic link, as stored (not mapped below the root).
  virtual Result<std::string> ReadLink(const std::string& path) const = 0;
  // Entries other than "." and "..", in no particular order, at most max_entries of them.
  virtual Result<DirListing> ListDir(const std::string& path, std::size_t max_entries) const = 0;
  // Follows symbolic links.
  virtual Result<FileInfo> Stat(const std::string& path) const = 0;
  // Free space of the file system that holds path.
  virtual Result<SpaceInfo> Space(const std::string& path) const = 0;
  // Where path really is, for messages ("/srv/image/etc/os-release").
  virtual std::string HostPath(const std::string& path) const = 0;
  // True when the tree is the running machine's own "/".
  virtual bool IsLiveRoot() const = 0;

  bool Exists(const std::string& path) const { return Stat(path).Ok(); }
};

// root "/" (or empty) is the running machine.
std::unique_ptr<FileSystem> MakeFileSystem(const std::string& root);

}  // namespace preflight

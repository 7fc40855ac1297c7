#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
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

// A descriptor directory reduced to the entries with one wanted link target (FindFdLinks).
struct LinkScan {
  std::size_t listed = 0;             // entries listed, each read once
  std::vector<std::string> matching;  // names whose link target is the wanted one
  std::size_t vanished = 0;           // removed between the listing and their read
  std::size_t other_errors = 0;
  std::string first_error;  // the first of other_errors
  bool truncated = false;   // more than max_entries; only the first were read
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
  // Lists a descriptor directory (/proc/<pid>/fd) and reads the link target of every entry named
  // by a decimal number once, keeping the names whose target is `wanted`
  // ("anon_inode:[fanotify]"). kPermission when one link is denied: /proc decides access per
  // process (fs/proc/fd.c), so the rest would be denied too. This portable version reads through
  // ListDir and ReadLink; an implementation may do it with fewer system calls.
  virtual Result<LinkScan> FindFdLinks(const std::string& dir, std::size_t max_entries,
                                       std::string_view wanted) const {
    auto listing = ListDir(dir, max_entries);
    if (!listing.Ok()) return listing.Err();
    LinkScan scan;
    scan.truncated = listing.Value().truncated;
    for (const DirEntry& entry : listing.Value().entries) {
      if (!IsDecimalName(entry.name)) continue;
      ++scan.listed;
      auto target = ReadLink(dir + "/" + entry.name);
      if (target.Ok()) {
        if (target.Value() == wanted) scan.matching.push_back(entry.name);
      } else if (target.Err().kind == ErrorKind::kPermission) {
        return target.Err();
      } else if (target.Err().kind == ErrorKind::kNotFound) {
        ++scan.vanished;
      } else if (scan.other_errors++ == 0) {
        scan.first_error = target.Err().message;
      }
    }
    return scan;
  }
  // Follows symbolic links.
  virtual Result<FileInfo> Stat(const std::string& path) const = 0;
  // Free space of the file system that holds path.
  virtual Result<SpaceInfo> Space(const std::string& path) const = 0;
  // Where path really is, for messages ("/srv/image/etc/os-release").
  virtual std::string HostPath(const std::string& path) const = 0;
  // True when the tree is the running machine's own "/".
  virtual bool IsLiveRoot() const = 0;

  bool Exists(const std::string& path) const { return Stat(path).Ok(); }

  // "0".."99999": a name made of 1 to 10 ASCII digits (descriptor and pid directory names).
  static bool IsDecimalName(std::string_view name) {
    if (name.empty() || name.size() > 10) return false;
    for (const char c : name) {
      if (c < '0' || c > '9') return false;
    }
    return true;
  }
};

// root "/" (or empty) is the running machine.
std::unique_ptr<FileSystem> MakeFileSystem(const std::string& root);

}  // namespace preflight

#include "platform/linux/proc_fd_links.h"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>

namespace preflight {
namespace {

ErrorKind KindOf(int err) {
  if (err == ENOENT || err == ESRCH || err == ENOTDIR) return ErrorKind::kNotFound;
  if (err == EACCES || err == EPERM) return ErrorKind::kPermission;
  return ErrorKind::kOther;
}

Error ErrnoError(const char* what, const std::string& path, int err) {
  return MakeError(KindOf(err), std::string(what) + " " + path + ": " + std::strerror(err));
}

class DirFd {
 public:
  explicit DirFd(int fd) : fd_(fd) {}
  ~DirFd() {
    if (fd_ >= 0) ::close(fd_);
  }
  DirFd(const DirFd&) = delete;
  DirFd& operator=(const DirFd&) = delete;
  int Get() const { return fd_; }

 private:
  int fd_;
};

// One entry: false when the rest must be given up (the links are denied to us).
bool ReadEntry(int dir, const char* name, std::string_view wanted, LinkScan& scan, int& err) {
  ++scan.listed;
  // PATH_MAX bounds every link target (include/uapi/linux/limits.h); only an exact match of
  // `wanted` matters, so a buffer one byte longer than it tells a match from a longer target.
  char target[256];
  const std::size_t size = std::min(sizeof target, wanted.size() + 1);
  const ssize_t n = ::readlinkat(dir, name, target, size);
  if (n < 0) {
    err = errno;
    if (KindOf(err) == ErrorKind::kPermission) return false;
    if (KindOf(err) == ErrorKind::kNotFound) {
      ++scan.vanished;
    } else if (scan.other_errors++ == 0) {
      scan.first_error = std::string("cannot read link ") + name + ": " + std::strerror(err);
    }
    return true;
  }
  if (std::string_view(target, static_cast<std::size_t>(n)) == wanted) {
    scan.matching.emplace_back(name);
  }
  return true;
}

}  // namespace

Result<LinkScan> FindFdLinksAt(const std::string& host_dir, std::size_t max_entries,
                               std::string_view wanted) {
  const std::string& fd_dir = host_dir;
  const DirFd dir(::open(fd_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir.Get() < 0) return ErrnoError("cannot list", fd_dir, errno);
  LinkScan scan;
  alignas(dirent64) char buffer[16384];
  while (!scan.truncated) {
    // getdents64(2): glibc 2.30 added the wrapper (Debian 12 has 2.36).
    const ssize_t n = ::getdents64(dir.Get(), buffer, sizeof buffer);
    if (n < 0) {
      const int err = errno;
      // The process exited while it was listed: keep what was read.
      if (KindOf(err) == ErrorKind::kNotFound && scan.listed > 0) break;
      return ErrnoError("cannot list", fd_dir, err);
    }
    if (n == 0) break;
    for (ssize_t offset = 0; offset < n;) {
      const auto* entry = reinterpret_cast<const dirent64*>(buffer + offset);
      offset += entry->d_reclen;
      if (!FileSystem::IsDecimalName(entry->d_name)) continue;
      if (scan.listed >= max_entries) {
        scan.truncated = true;
        break;
      }
      int err = 0;
      if (!ReadEntry(dir.Get(), entry->d_name, wanted, scan, err)) {
        return ErrnoError("cannot read link in", fd_dir, err);
      }
    }
  }
  return scan;
}

}  // namespace preflight

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

#include "platform/file_system.h"

namespace preflight {
namespace {

ErrorKind KindFromErrno(int err) {
  switch (err) {
    case ENOENT:
    case ENOTDIR:
    case ESRCH:  // /proc/<pid>/... of a process that just exited
      return ErrorKind::kNotFound;
    case EACCES:
    case EPERM:
      return ErrorKind::kPermission;
    default:
      return ErrorKind::kOther;
  }
}

Error ErrnoError(const std::string& what, const std::string& path, int err) {
  return MakeError(KindFromErrno(err), what + " " + path + ": " + std::strerror(err));
}

FileType TypeFromMode(mode_t mode) {
  if (S_ISREG(mode)) return FileType::kRegular;
  if (S_ISDIR(mode)) return FileType::kDirectory;
  if (S_ISLNK(mode)) return FileType::kSymlink;
  return FileType::kOther;
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int Get() const { return fd_; }

 private:
  int fd_;
};

class DirCloser {
 public:
  void operator()(DIR* dir) const { ::closedir(dir); }
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
    if (KindFromErrno(err) == ErrorKind::kPermission) return false;
    if (KindFromErrno(err) == ErrorKind::kNotFound) {
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

// FileSystem::FindFdLinks for a real directory (`host_dir` is a host path): one open(2), then
// getdents64(2) calls, and one readlinkat(2) per entry relative to the directory, so nothing per
// entry beyond what the cheapest scan of /proc/<pid>/fd needs (no stat, no path walk from /).
Result<LinkScan> FindFdLinksAt(const std::string& host_dir, std::size_t max_entries,
                               std::string_view wanted) {
  const std::string& fd_dir = host_dir;
  const Fd dir(::open(fd_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir.Get() < 0) return ErrnoError("cannot list", fd_dir, errno);
  LinkScan scan;
  alignas(dirent64) char buffer[16384];
  while (!scan.truncated) {
    // getdents64(2): glibc 2.30 added the wrapper (Debian 12 has 2.36).
    const ssize_t n = ::getdents64(dir.Get(), buffer, sizeof buffer);
    if (n < 0) {
      const int err = errno;
      // The process exited while it was listed: keep what was read.
      if (KindFromErrno(err) == ErrorKind::kNotFound && scan.listed > 0) break;
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

class LinuxFileSystem final : public FileSystem {
 public:
  explicit LinuxFileSystem(std::string root) : root_(std::move(root)) {
    while (root_.size() > 1 && root_.back() == '/') root_.pop_back();
    if (root_ == "/") root_.clear();
  }

  Result<std::string> ReadFile(const std::string& path, std::size_t max_bytes) const override {
    return Read(path, max_bytes, /*tail=*/false);
  }

  Result<std::string> ReadTail(const std::string& path, std::size_t max_bytes) const override {
    return Read(path, max_bytes, /*tail=*/true);
  }

  Result<std::string> ReadLink(const std::string& path) const override {
    const std::string host = HostPath(path);
    // PATH_MAX bounds every link target the kernel stores (include/uapi/linux/limits.h).
    std::string buffer(4096, '\0');
    const ssize_t n = ::readlink(host.c_str(), buffer.data(), buffer.size());
    if (n < 0) return ErrnoError("cannot read link", host, errno);
    buffer.resize(static_cast<std::size_t>(n));
    return buffer;
  }

  Result<LinkScan> FindFdLinks(const std::string& dir, std::size_t max_entries,
                               std::string_view wanted) const override {
    return FindFdLinksAt(HostPath(dir), max_entries, wanted);
  }

  Result<DirListing> ListDir(const std::string& path, std::size_t max_entries) const override {
    const std::string host = HostPath(path);
    std::unique_ptr<DIR, DirCloser> dir(::opendir(host.c_str()));
    if (!dir) return ErrnoError("cannot list", host, errno);
    DirListing listing;
    while (true) {
      errno = 0;
      const dirent* entry = ::readdir(dir.get());
      if (entry == nullptr) {
        // A directory under /proc can vanish while it is read; keep what was listed.
        if (errno != 0 && errno != ENOENT && errno != ESRCH && listing.entries.empty()) {
          return ErrnoError("cannot list", host, errno);
        }
        break;
      }
      const std::string name = entry->d_name;
      if (name == "." || name == "..") continue;
      if (listing.entries.size() >= max_entries) {
        listing.truncated = true;
        break;
      }
      FileType type = FileType::kOther;
      switch (entry->d_type) {
        case DT_REG:
          type = FileType::kRegular;
          break;
        case DT_DIR:
          type = FileType::kDirectory;
          break;
        case DT_LNK:
          type = FileType::kSymlink;
          break;
        case DT_UNKNOWN: {
          struct stat st {};
          if (::fstatat(::dirfd(dir.get()), entry->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
            type = TypeFromMode(st.st_mode);
          }
          break;
        }
        default:
          break;
      }
      listing.entries.push_back(DirEntry{name, type});
    }
    return listing;
  }

  Result<FileInfo> Stat(const std::string& path) const override {
    const std::string host = HostPath(path);
    struct stat st {};
    if (::stat(host.c_str(), &st) != 0) return ErrnoError("cannot stat", host, errno);
    FileInfo info;
    info.type = TypeFromMode(st.st_mode);
    info.size = static_cast<std::uint64_t>(st.st_size);
    info.mtime_unix = static_cast<std::int64_t>(st.st_mtim.tv_sec);
    info.mode = static_cast<std::uint32_t>(st.st_mode & 07777);
    return info;
  }

  Result<SpaceInfo> Space(const std::string& path) const override {
    const std::string host = HostPath(path);
    struct statvfs vfs {};
    if (::statvfs(host.c_str(), &vfs) != 0) return ErrnoError("cannot statvfs", host, errno);
    SpaceInfo info;
    info.capacity_bytes = static_cast<std::uint64_t>(vfs.f_blocks) * vfs.f_frsize;
    info.available_bytes = static_cast<std::uint64_t>(vfs.f_bavail) * vfs.f_frsize;
    return info;
  }

  std::string HostPath(const std::string& path) const override {
    if (path.empty() || path.front() != '/') return root_ + "/" + path;
    return root_ + path;
  }

  bool IsLiveRoot() const override { return root_.empty(); }

 private:
  Result<std::string> Read(const std::string& path, std::size_t max_bytes, bool tail) const {
    const std::string host = HostPath(path);
    // O_NONBLOCK: a FIFO planted where a file is expected must not hang the agent.
    Fd fd(::open(host.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
    if (fd.Get() < 0) return ErrnoError("cannot open", host, errno);
    struct stat st {};
    if (::fstat(fd.Get(), &st) != 0) return ErrnoError("cannot stat", host, errno);
    if (!S_ISREG(st.st_mode)) {
      return MakeError(ErrorKind::kInvalid, host + " is not a regular file");
    }
    // Regular files report their size; /proc and /sys files report 0 and are read to the end.
    if (tail && st.st_size > 0 && static_cast<std::uint64_t>(st.st_size) > max_bytes) {
      if (::lseek(fd.Get(), st.st_size - static_cast<off_t>(max_bytes), SEEK_SET) < 0) {
        return ErrnoError("cannot seek", host, errno);
      }
    }
    std::string data;
    char buffer[16384];
    while (true) {
      const ssize_t n = ::read(fd.Get(), buffer, sizeof buffer);
      if (n < 0) {
        if (errno == EINTR) continue;
        return ErrnoError("cannot read", host, errno);
      }
      if (n == 0) break;
      data.append(buffer, static_cast<std::size_t>(n));
      if (data.size() > max_bytes) {
        if (!tail) {
          return MakeError(ErrorKind::kTooLarge,
                           host + " is larger than " + std::to_string(max_bytes) + " bytes");
        }
        data.erase(0, data.size() - max_bytes);
      }
    }
    return data;
  }

  std::string root_;
};

}  // namespace

std::unique_ptr<FileSystem> MakeFileSystem(const std::string& root) {
  return std::make_unique<LinuxFileSystem>(root);
}

}  // namespace preflight

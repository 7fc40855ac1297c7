#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>

#include "platform/atomic_file.h"

namespace preflight {
namespace {

Error ErrnoError(const std::string& what, int err) {
  return MakeError(err == EACCES || err == EPERM ? ErrorKind::kPermission : ErrorKind::kOther,
                   what + ": " + std::strerror(err));
}

std::string DirectoryOf(const std::string& path) {
  const auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

}  // namespace

Result<Done> WriteFileAtomic(const std::string& path, std::string_view content) {
  std::string temp = path + std::string(kAtomicTempInfix) + "XXXXXX";
  const int fd = ::mkostemp(temp.data(), O_CLOEXEC);
  if (fd < 0) return ErrnoError("cannot create a temporary file next to " + path, errno);
  const auto fail = [&](const std::string& what, int err) {
    ::close(fd);
    ::unlink(temp.c_str());
    return ErrnoError(what, err);
  };
  // Reports are for admins and automation to read; they hold no secrets (DESIGN.md).
  if (::fchmod(fd, 0644) != 0) return fail("cannot set permissions on " + temp, errno);
  std::size_t written = 0;
  while (written < content.size()) {
    const ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail("cannot write " + temp, errno);
    }
    written += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) return fail("cannot flush " + temp, errno);
  if (::close(fd) != 0) {
    const int err = errno;
    ::unlink(temp.c_str());
    return ErrnoError("cannot close " + temp, err);
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(temp.c_str());
    return ErrnoError("cannot rename " + temp + " to " + path, err);
  }
  // The rename itself survives a power cut only once the directory is flushed.
  const int dir = ::open(DirectoryOf(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  return Done{};
}

}  // namespace preflight

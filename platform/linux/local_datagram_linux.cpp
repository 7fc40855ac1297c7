#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "platform/local_datagram.h"

namespace preflight {
namespace {

class UnixDatagram final : public LocalDatagram {
 public:
  UnixDatagram(int fd, const sockaddr_un& address, socklen_t length)
      : fd_(fd), address_(address), length_(length) {}
  ~UnixDatagram() override { ::close(fd_); }
  UnixDatagram(const UnixDatagram&) = delete;
  UnixDatagram& operator=(const UnixDatagram&) = delete;

  Result<Done> Send(std::string_view bytes) override {
    while (true) {
      // MSG_DONTWAIT: a service manager that stopped reading must not stall the agent's logging.
      // MSG_NOSIGNAL: a vanished peer is an error value, not SIGPIPE.
      const ssize_t sent = ::sendto(fd_, bytes.data(), bytes.size(), MSG_DONTWAIT | MSG_NOSIGNAL,
                                    reinterpret_cast<const sockaddr*>(&address_), length_);
      if (sent >= 0) return Done{};
      if (errno != EINTR) return MakeError(ErrorKind::kOther, std::strerror(errno));
    }
  }

 private:
  int fd_;
  sockaddr_un address_;
  socklen_t length_;
};

}  // namespace

std::unique_ptr<LocalDatagram> LocalDatagram::Open(const std::string& address) {
  sockaddr_un un{};
  un.sun_family = AF_UNIX;
  if (address.empty() || address.size() > sizeof un.sun_path) return nullptr;
  std::memcpy(un.sun_path, address.data(), address.size());
  // An abstract name is exactly its bytes; a path ends at its NUL (unix(7)).
  const auto length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + address.size() +
                                             (address.front() == '\0' ? 0 : 1));
  if (address.front() != '\0' && address.size() >= sizeof un.sun_path) return nullptr;
  const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return nullptr;
  return std::make_unique<UnixDatagram>(fd, un, length);
}

std::optional<FileId> StderrFileId() {
  struct stat st {};
  if (::fstat(STDERR_FILENO, &st) != 0) return std::nullopt;
  return FileId{static_cast<std::uint64_t>(st.st_dev), static_cast<std::uint64_t>(st.st_ino)};
}

}  // namespace preflight

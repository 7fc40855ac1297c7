#pragma once

// A datagram socket to a local service-manager endpoint: the notify socket and journald's socket
// are AF_UNIX SOCK_DGRAM sockets. One body per OS: Linux speaks to them; Windows has neither, so
// Open returns nothing there and the protocols above it do nothing.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "platform/result.h"

namespace preflight {

class LocalDatagram {
 public:
  virtual ~LocalDatagram() = default;
  // Sends one datagram; never blocks for long (a full receive queue is an error, not a wait).
  [[nodiscard]] virtual Result<Done> Send(std::string_view bytes) = 0;

  // `address`: the sun_path bytes, "\0name" for an abstract socket (notify::SocketAddress).
  // Nothing when the socket cannot be made (or on Windows).
  static std::unique_ptr<LocalDatagram> Open(const std::string& address);
};

struct FileId {
  std::uint64_t device = 0;
  std::uint64_t inode = 0;
};

// The device and inode of standard error (for $JOURNAL_STREAM); nothing on Windows or when
// standard error is closed.
std::optional<FileId> StderrFileId();

}  // namespace preflight

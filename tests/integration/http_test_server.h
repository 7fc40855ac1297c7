#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>

namespace preflight::testing {

// Runs tests/integration/http_test_server.py as a child process bound to 127.0.0.1 on an
// ephemeral port. The child exits when this object is destroyed, and also when the test process
// dies (it watches its stdin, a pipe only we hold).
class HttpTestServer {
 public:
  // Null (with `error` filled) when the server could not be started.
  static std::unique_ptr<HttpTestServer> Start(std::string& error);
  ~HttpTestServer();
  HttpTestServer(const HttpTestServer&) = delete;
  HttpTestServer& operator=(const HttpTestServer&) = delete;

  std::uint16_t port() const { return port_; }
  std::string Url(const std::string& path_and_query) const;

 private:
  HttpTestServer(pid_t pid, int stdin_fd, std::uint16_t port)
      : pid_(pid), stdin_fd_(stdin_fd), port_(port) {}
  pid_t pid_;
  int stdin_fd_;
  std::uint16_t port_;
};

// A loopback port nothing listens on (bound, then released), for "connection refused".
std::uint16_t ClosedLoopbackPort();

}  // namespace preflight::testing

#include "tests/integration/http_test_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>

extern char** environ;

namespace preflight::testing {
namespace {

// Python starts in well under a second; a loaded CI machine gets ample slack.
constexpr auto kStartupTimeout = std::chrono::seconds(15);

}  // namespace

std::unique_ptr<HttpTestServer> HttpTestServer::Start(std::string& error) {
  auto fail = [&error](std::string why) {
    error = std::move(why);
    return std::unique_ptr<HttpTestServer>();
  };
  int to_child[2];
  int from_child[2];
  if (pipe2(to_child, O_CLOEXEC) != 0) return fail("pipe failed");
  if (pipe2(from_child, O_CLOEXEC) != 0) {
    close(to_child[0]);
    close(to_child[1]);
    return fail("pipe failed");
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, to_child[0], STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, from_child[1], STDOUT_FILENO);
  std::string python = PREFLIGHT_PYTHON;
  std::string script = std::string(PREFLIGHT_INTEGRATION_DIR) + "/http_test_server.py";
  char* argv[] = {python.data(), script.data(), nullptr};
  pid_t pid = -1;
  const int spawned = posix_spawn(&pid, python.c_str(), &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  close(to_child[0]);
  close(from_child[1]);
  if (spawned != 0) {
    close(to_child[1]);
    close(from_child[0]);
    return fail("cannot start " + python);
  }

  std::string line;
  const auto give_up = std::chrono::steady_clock::now() + kStartupTimeout;
  while (line.find('\n') == std::string::npos) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        give_up - std::chrono::steady_clock::now());
    pollfd fd{from_child[0], POLLIN, 0};
    if (left.count() <= 0 || poll(&fd, 1, static_cast<int>(left.count())) <= 0) break;
    char buffer[64];
    const ssize_t n = read(from_child[0], buffer, sizeof buffer);
    if (n <= 0) break;
    line.append(buffer, static_cast<std::size_t>(n));
  }
  close(from_child[0]);
  unsigned port = 0;
  if (std::sscanf(line.c_str(), "PORT %u", &port) != 1 || port == 0 || port > 65535) {
    close(to_child[1]);
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    return fail("test server did not report a port (got '" + line + "')");
  }
  return std::unique_ptr<HttpTestServer>(
      new HttpTestServer(pid, to_child[1], static_cast<std::uint16_t>(port)));
}

HttpTestServer::~HttpTestServer() {
  close(stdin_fd_);
  kill(pid_, SIGTERM);
  waitpid(pid_, nullptr, 0);
}

std::string HttpTestServer::Url(const std::string& path_and_query) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path_and_query;
}

std::uint16_t ClosedLoopbackPort() {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return 0;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof address;
  std::uint16_t port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), size) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) == 0) {
    port = ntohs(address.sin_port);
  }
  close(fd);  // never listened: a connect now gets RST (connection refused)
  return port;
}

}  // namespace preflight::testing

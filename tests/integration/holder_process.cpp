#include "tests/integration/holder_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/fanotify.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

extern char** environ;

namespace preflight::testing {
namespace {

void CloseFd(int& fd) {
  if (fd >= 0) close(fd);
  fd = -1;
}

}  // namespace

std::unique_ptr<HolderProcess> HolderProcess::Start(const std::vector<std::string>& argv,
                                                    std::chrono::milliseconds timeout,
                                                    std::string* error) {
  int in[2] = {-1, -1};
  int out[2] = {-1, -1};
  if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0) {
    *error = std::string("pipe2: ") + std::strerror(errno);
    CloseFd(in[0]);
    CloseFd(in[1]);
    return nullptr;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in[0], STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDERR_FILENO);
  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  CloseFd(in[0]);
  CloseFd(out[1]);
  if (rc != 0) {
    *error = "posix_spawn " + argv[0] + ": " + std::strerror(rc);
    CloseFd(in[1]);
    CloseFd(out[0]);
    return nullptr;
  }
  std::unique_ptr<HolderProcess> holder(new HolderProcess(pid, in[1], out[0]));

  std::string output;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (output.find("ready\n") == std::string::npos) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      *error = argv[0] + " not ready within " + std::to_string(timeout.count()) +
               " ms; output: " + output;
      return nullptr;  // the destructor kills and reaps it
    }
    pollfd pfd{holder->stdout_fd_, POLLIN, 0};
    if (poll(&pfd, 1, static_cast<int>(left.count())) < 0 && errno != EINTR) {
      *error = std::string("poll: ") + std::strerror(errno);
      return nullptr;
    }
    if ((pfd.revents & (POLLIN | POLLHUP)) == 0) continue;
    char buffer[512];
    const ssize_t n = read(holder->stdout_fd_, buffer, sizeof buffer);
    if (n <= 0) {
      holder->Kill();
      *error = argv[0] + " exited before it was ready; output: " + output;
      return nullptr;
    }
    output.append(buffer, static_cast<std::size_t>(n));
  }
  return holder;
}

void HolderProcess::Kill() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
  }
  CloseFd(stdin_fd_);
  CloseFd(stdout_fd_);
}

HolderProcess::~HolderProcess() { Kill(); }

std::string FanotifyHolderPath() { return FANOTIFY_HOLDER_PATH; }

std::string FanotifyUnavailableReason(bool content_class) {
  if (geteuid() != 0) return "needs root: fanotify_init(2) requires CAP_SYS_ADMIN";
  const unsigned int klass = content_class ? FAN_CLASS_CONTENT : FAN_CLASS_NOTIF;
  const int fd = fanotify_init(klass | FAN_CLOEXEC, O_RDONLY);
  if (fd >= 0) {
    close(fd);
    return "";
  }
  const int err = errno;
  if (err == EINVAL && content_class) {
    return "this kernel has no permission events (CONFIG_FANOTIFY_ACCESS_PERMISSIONS off)";
  }
  return std::string("fanotify_init is not permitted here: ") + std::strerror(err);
}

}  // namespace preflight::testing

// fanotify_bench_load: the busy host of the fanotify scan benchmark. Starts N sleeping processes,
// each holding M extra descriptors (regular files, pipes, sockets and eventfds, i.e. the link
// targets a real host shows), and keeps them until its stdin reaches EOF, it is signalled, or
// --max-seconds pass. Every child dies with it (PR_SET_PDEATHSIG) and by its own alarm, so a
// crashed benchmark leaves nothing behind.
//
//   fanotify_bench_load --processes N --fds M [--max-seconds S]
//
// Prints "ready <N>" once every child holds its descriptors. Exit codes: 0 done, 2 usage,
// 3 a resource limit or fork failed (the message says which).

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

volatile sig_atomic_t g_stop = 0;
void OnSignal(int /*signal*/) { g_stop = 1; }

struct Options {
  long processes = 1000;
  long fds = 20;
  long max_seconds = 900;
};

bool ParseArgs(int argc, char** argv, Options& options) {
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string arg = argv[i];
    char* end = nullptr;
    const long value = std::strtol(argv[i + 1], &end, 10);
    if (*end != '\0' || value < 0) return false;
    if (arg == "--processes") {
      options.processes = value;
    } else if (arg == "--fds") {
      options.fds = value;
    } else if (arg == "--max-seconds") {
      options.max_seconds = value;
    } else {
      return false;
    }
  }
  return argc % 2 == 1 && options.processes <= 100000 && options.fds <= 100000 &&
         options.max_seconds > 0;
}

// The child: duplicates the shared descriptors, says it is ready, sleeps until killed.
[[noreturn]] void Child(const std::vector<int>& kinds, long fds, long max_seconds, pid_t parent,
                        int ready) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) _exit(0);
  alarm(static_cast<unsigned>(max_seconds));
  for (long i = 0; i < fds; ++i) {
    if (fcntl(kinds[static_cast<std::size_t>(i) % kinds.size()], F_DUPFD, 3) < 0) _exit(3);
  }
  const char byte = 1;
  if (write(ready, &byte, 1) != 1) _exit(3);
  close(ready);
  while (true) pause();
}

// Waits until all children reported; false if one could not (its fds or the pipe failed).
bool AwaitReady(int ready, long expected) {
  long seen = 0;
  char buffer[4096];
  while (seen < expected) {
    const ssize_t n = read(ready, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR && g_stop == 0) continue;
    if (n <= 0) return false;
    seen += n;
  }
  return true;
}

void StopAll(const std::vector<pid_t>& children) {
  for (const pid_t pid : children) kill(pid, SIGKILL);
  for (const pid_t pid : children) waitpid(pid, nullptr, 0);
}

bool RaiseFdLimit(long fds) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return false;
  const rlim_t want = static_cast<rlim_t>(fds) + 64;
  if (limit.rlim_cur >= want) return true;
  limit.rlim_cur = want;
  if (limit.rlim_max < want) limit.rlim_max = want;
  return setrlimit(RLIMIT_NOFILE, &limit) == 0;
}

// A regular file, both pipe ends, a socket pair and an eventfd: what the children duplicate.
std::vector<int> OpenKinds() {
  std::vector<int> kinds;
  kinds.push_back(open("/proc/self/exe", O_RDONLY | O_CLOEXEC));
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) == 0) kinds.insert(kinds.end(), {pipe_fds[0], pipe_fds[1]});
  int pair[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) == 0) kinds.push_back(pair[0]);
  kinds.push_back(eventfd(0, EFD_CLOEXEC));
  for (const int fd : kinds) {
    if (fd < 0) return {};
  }
  return kinds;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  if (!ParseArgs(argc, argv, options)) {
    std::fprintf(stderr, "usage: %s --processes N --fds M [--max-seconds S]\n", argv[0]);
    return 2;
  }
  if (!RaiseFdLimit(options.fds)) {
    std::fprintf(stderr, "cannot raise RLIMIT_NOFILE to %ld: %s\n", options.fds + 64,
                 std::strerror(errno));
    return 3;
  }
  const std::vector<int> kinds = OpenKinds();
  int ready[2];
  if (kinds.empty() || pipe2(ready, O_CLOEXEC) != 0) {
    std::fprintf(stderr, "cannot open the shared descriptors: %s\n", std::strerror(errno));
    return 3;
  }
  struct sigaction action {};
  action.sa_handler = OnSignal;
  for (const int signal : {SIGTERM, SIGINT, SIGHUP, SIGALRM}) sigaction(signal, &action, nullptr);
  alarm(static_cast<unsigned>(options.max_seconds));
  const pid_t self = getpid();
  std::vector<pid_t> children;
  children.reserve(static_cast<std::size_t>(options.processes));
  for (long i = 0; i < options.processes && g_stop == 0; ++i) {
    const pid_t pid = fork();
    if (pid == 0) Child(kinds, options.fds, options.max_seconds, self, ready[1]);
    if (pid < 0) {
      std::fprintf(stderr, "fork %ld failed: %s\n", i, std::strerror(errno));
      StopAll(children);
      return 3;
    }
    children.push_back(pid);
  }
  close(ready[1]);
  if (g_stop != 0 || !AwaitReady(ready[0], options.processes)) {
    std::fprintf(stderr, "the children did not all get ready\n");
    StopAll(children);
    return 3;
  }
  std::printf("ready %zu\n", children.size());
  std::fflush(stdout);
  char buffer[256];
  while (g_stop == 0) {
    pollfd in{STDIN_FILENO, POLLIN, 0};
    const int n = poll(&in, 1, 1000);
    if (n > 0 && read(STDIN_FILENO, buffer, sizeof buffer) <= 0) break;
  }
  StopAll(children);
  return 0;
}

// fanotify_holder: a test program that holds a real fanotify group, so the linux.fanotify check
// can be tested against the live kernel (and reused by end-to-end CLI tests).
//
//   fanotify_holder [--class notify|content|pre_content]
//                   [--mark none|mount|filesystem|inode:<path>]...   (repeatable; default none)
//                   [--mask notify|perm] [--path <dir>] [--exit-after-ms <n>]
//
// --class   the fanotify_init(2) class (FAN_CLASS_NOTIF / _CONTENT / _PRE_CONTENT).
// --mark    what to mark: the mount or filesystem holding --path (default "/"), or one inode.
// --mask    notify: FAN_OPEN | FAN_CLOSE_WRITE; perm: FAN_OPEN_PERM (needs a content class).
// --exit-after-ms  exit by itself after n ms (for tests of processes vanishing mid-scan).
//
// Prints "ready\n" on stdout once the group and its marks exist, then answers every permission
// event with FAN_ALLOW (an unanswered one would hang whoever opened the file) until it is killed,
// its stdin reaches EOF, or the time runs out. Exit codes: 0 done, 2 usage, 3 fanotify_init
// failed, 4 fanotify_mark failed, 5 event loop error. Needs CAP_SYS_ADMIN (fanotify_init(2)).

#include <fcntl.h>
#include <poll.h>
#include <sys/fanotify.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

int Usage(const char* why) {
  std::fprintf(stderr,
               "fanotify_holder: %s\nusage: fanotify_holder [--class notify|content|pre_content] "
               "[--mark none|mount|filesystem|inode:<path>]... [--mask notify|perm] "
               "[--path <dir>] [--exit-after-ms <n>]\n",
               why);
  return 2;
}

// Reads pending events; answers permission events with FAN_ALLOW. False on a read error.
bool DrainEvents(int fan_fd) {
  alignas(fanotify_event_metadata) char buffer[8192];
  while (true) {
    ssize_t length = read(fan_fd, buffer, sizeof buffer);
    if (length < 0) return errno == EAGAIN || errno == EINTR;
    if (length == 0) return true;
    auto* event = reinterpret_cast<fanotify_event_metadata*>(buffer);
    for (; FAN_EVENT_OK(event, length); event = FAN_EVENT_NEXT(event, length)) {
      if (event->vers != FANOTIFY_METADATA_VERSION) return false;
      if ((event->mask & (FAN_OPEN_PERM | FAN_ACCESS_PERM | FAN_OPEN_EXEC_PERM)) != 0) {
        const fanotify_response response{event->fd, FAN_ALLOW};
        if (write(fan_fd, &response, sizeof response) != sizeof response) return false;
      }
      if (event->fd >= 0) close(event->fd);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  unsigned int klass = FAN_CLASS_NOTIF;
  std::uint64_t mask = FAN_OPEN | FAN_CLOSE_WRITE;
  std::vector<std::string> marks;
  std::string path = "/";
  long exit_after_ms = -1;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (i + 1 >= argc) return Usage(("missing value for " + arg).c_str());
    const std::string value = argv[++i];
    if (arg == "--class") {
      if (value == "notify") {
        klass = FAN_CLASS_NOTIF;
      } else if (value == "content") {
        klass = FAN_CLASS_CONTENT;
      } else if (value == "pre_content") {
        klass = FAN_CLASS_PRE_CONTENT;
      } else {
        return Usage("bad --class");
      }
    } else if (arg == "--mark") {
      if (value != "none") marks.push_back(value);
    } else if (arg == "--mask") {
      if (value == "notify") {
        mask = FAN_OPEN | FAN_CLOSE_WRITE;
      } else if (value == "perm") {
        mask = FAN_OPEN_PERM;
      } else {
        return Usage("bad --mask");
      }
    } else if (arg == "--path") {
      path = value;
    } else if (arg == "--exit-after-ms") {
      exit_after_ms = std::strtol(value.c_str(), nullptr, 10);
    } else {
      return Usage(("unknown option " + arg).c_str());
    }
  }

  const int fan_fd = fanotify_init(klass | FAN_CLOEXEC | FAN_NONBLOCK, O_RDONLY | O_LARGEFILE);
  if (fan_fd < 0) {
    std::fprintf(stderr, "fanotify_holder: fanotify_init: %s\n", std::strerror(errno));
    return 3;
  }
  for (const std::string& mark : marks) {
    unsigned int flags = FAN_MARK_ADD;
    std::string target = path;
    if (mark == "mount") {
      flags |= FAN_MARK_MOUNT;
    } else if (mark == "filesystem") {
      flags |= FAN_MARK_FILESYSTEM;
    } else if (mark.rfind("inode:", 0) == 0) {
      target = mark.substr(6);
    } else {
      return Usage(("bad --mark " + mark).c_str());
    }
    if (fanotify_mark(fan_fd, flags, mask, AT_FDCWD, target.c_str()) != 0) {
      std::fprintf(stderr, "fanotify_holder: fanotify_mark %s %s: %s\n", mark.c_str(),
                   target.c_str(), std::strerror(errno));
      return 4;
    }
  }
  std::fputs("ready\n", stdout);
  std::fflush(stdout);

  const auto start = std::chrono::steady_clock::now();
  pollfd fds[2] = {{fan_fd, POLLIN, 0}, {STDIN_FILENO, POLLIN, 0}};
  while (true) {
    int timeout = -1;
    if (exit_after_ms >= 0) {
      const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::steady_clock::now() - start)
                               .count();
      if (elapsed >= exit_after_ms) return 0;
      timeout = static_cast<int>(exit_after_ms - elapsed);
    }
    if (poll(fds, 2, timeout) < 0) {
      if (errno == EINTR) continue;
      return 5;
    }
    if ((fds[0].revents & POLLIN) != 0 && !DrainEvents(fan_fd)) return 5;
    if ((fds[1].revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
      char byte;
      if (read(STDIN_FILENO, &byte, 1) <= 0) return 0;  // stdin closed: the test is done
    }
  }
}

// proc_fd_floor: the cheapest user-space fanotify scan, the benchmark's floor. Single-threaded:
// lists /proc, lists each /proc/<pid>/fd with getdents64 and readlinkat()s every entry; nothing
// else (no fdinfo, comm or exe). Prints the processes, descriptors and fanotify groups seen.

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

namespace {

bool IsNumber(const char* name) {
  if (*name == '\0') return false;
  for (; *name != '\0'; ++name) {
    if (*name < '0' || *name > '9') return false;
  }
  return true;
}

}  // namespace

int main() {
  DIR* proc = opendir("/proc");
  if (proc == nullptr) {
    std::perror("/proc");
    return 1;
  }
  long processes = 0;
  long fds = 0;
  long groups = 0;
  char path[sizeof(dirent::d_name) + 8];
  char target[256];
  while (const dirent* entry = readdir(proc)) {
    if (!IsNumber(entry->d_name)) continue;
    std::snprintf(path, sizeof path, "%s/fd", entry->d_name);
    const int dir_fd = openat(dirfd(proc), path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir_fd < 0) continue;
    DIR* dir = fdopendir(dir_fd);
    if (dir == nullptr) {
      close(dir_fd);
      continue;
    }
    ++processes;
    while (const dirent* fd = readdir(dir)) {
      if (fd->d_name[0] == '.') continue;
      ++fds;
      const ssize_t n = readlinkat(dir_fd, fd->d_name, target, sizeof target - 1);
      if (n < 0) continue;
      target[n] = '\0';
      if (std::strcmp(target, "anon_inode:[fanotify]") == 0) ++groups;
    }
    closedir(dir);
  }
  closedir(proc);
  std::printf("processes %ld fds %ld fanotify %ld\n", processes, fds, groups);
  return 0;
}

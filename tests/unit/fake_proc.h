#pragma once

// Builds /proc/<pid> entries in a FakeFileSystem the way the kernel shows them to root.

#include <map>
#include <string>

#include "probes/linux/fanotify/fanotify_scan.h"
#include "tests/fakes/fake_platform.h"

namespace preflight::testing {

// Kernel 6.18 fdinfo of fanotify_init(FAN_CLASS_CONTENT | FAN_CLOEXEC | FAN_UNLIMITED_QUEUE) with
// a FAN_OPEN_PERM | FAN_OPEN_EXEC_PERM mount mark, and of a notify-class group with a mount mark.
inline constexpr char kContentPermFdinfo[] =
    "pos:\t0\nflags:\t02000002\nmnt_id:\t17\nino:\t1038\nfanotify flags:15 event-flags:8000\n"
    "fanotify mnt_id:1b mflags:0 mask:50000 ignored_mask:0\n";
inline constexpr char kNotifyFdinfo[] =
    "pos:\t0\nflags:\t02000002\nmnt_id:\t17\nino:\t1038\nfanotify flags:1 event-flags:8000\n"
    "fanotify mnt_id:1b mflags:0 mask:28 ignored_mask:0\n";

struct FakeProc {
  int pid = 0;
  std::string comm;
  std::string exe;
  std::string cmdline;
  std::map<int, std::string> fanotify;  // fd -> fdinfo text
};

inline void AddFakeProc(FakeFileSystem& fs, const FakeProc& p) {
  const std::string base = "/proc/" + std::to_string(p.pid);
  fs.AddFile(base + "/comm", p.comm + "\n");
  fs.AddLink(base + "/exe", p.exe);
  fs.AddFile(base + "/cmdline", p.cmdline);
  fs.AddFile(base + "/status", "Name:\t" + p.comm + "\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\n");
  // Ordinary descriptors, whose fdinfo must never be read.
  fs.AddLink(base + "/fd/0", "/dev/null");
  fs.AddLink(base + "/fd/1", "socket:[12345]");
  fs.AddLink(base + "/fd/2", "anon_inode:[eventpoll]");
  fs.AddFile(base + "/fdinfo/0", "pos:\t0\n");
  for (const auto& [fd, fdinfo] : p.fanotify) {
    fs.AddLink(base + "/fd/" + std::to_string(fd), std::string(kFanotifyLinkTarget));
    fs.AddFile(base + "/fdinfo/" + std::to_string(fd), fdinfo);
  }
}

}  // namespace preflight::testing

// The BPF task-file iterator behind FanotifyGroupSource (platform/linux/bpf/fanotify_iter.bpf.c),
// loaded with libbpf from the skeleton `bpftool gen skeleton` made at build time. libbpf API:
// https://docs.kernel.org/bpf/libbpf/ (bpf_program__attach_iter, bpf_iter_create), and the
// iterator usage of Documentation/bpf/bpf_iterators.rst (read(2) the iterator fd to its end).
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <unistd.h>

#include <cerrno>
#include <cstdarg>
#include <cstring>
#include <string>

#include "fanotify_iter.skel.h"
#include "platform/fanotify_group_source.h"
#include "platform/linux/bpf/fanotify_iter.h"

namespace preflight {
namespace {

// A group record, its marks, and an end record: ~40 bytes each. 64 MiB holds about 1.6 million
// records, far above any host's fanotify groups and processes; a longer stream is an error.
constexpr std::size_t kMaxIterBytes = std::size_t{64} * 1024 * 1024;

int Quiet(enum libbpf_print_level /*level*/, const char* /*format*/, va_list /*args*/) { return 0; }

Error Unavailable(const std::string& what, int err) {
  return MakeError(ErrorKind::kUnavailable, what + ": " + std::strerror(err));
}

// Reads one iterator to its end, bounded.
Result<std::string> ReadIterator(bpf_link* link) {
  const int fd = bpf_iter_create(bpf_link__fd(link));
  if (fd < 0) return Unavailable("cannot create the BPF iterator", errno);
  std::string bytes;
  char buffer[65536];
  while (true) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      return Unavailable("cannot read the BPF iterator", err);
    }
    if (n == 0) break;
    if (bytes.size() + static_cast<std::size_t>(n) > kMaxIterBytes) {
      ::close(fd);
      return MakeError(ErrorKind::kTooLarge, "the BPF iterator wrote more than 64 MiB");
    }
    bytes.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return bytes;
}

void Decode(const fanotify_iter_record& rec, KernelFanotifyScan& scan) {
  switch (rec.type) {
    case FANOTIFY_REC_GROUP: {
      KernelFanotifyGroup group;
      group.pid = static_cast<int>(rec.pid);
      group.fd = static_cast<int>(rec.fd);
      group.flags = rec.flags;
      group.event_flags = rec.f_flags;
      group.priority = rec.priority;
      scan.groups.push_back(std::move(group));
      return;
    }
    case FANOTIFY_REC_MARK:
      if (!scan.groups.empty()) {
        scan.groups.back().marks.push_back(
            KernelFanotifyMark{rec.flags, rec.mask, rec.ignore_mask});
      }
      return;
    case FANOTIFY_REC_END_CUT:
      if (!scan.groups.empty()) scan.groups.back().marks_cut = true;
      return;
    case FANOTIFY_REC_TASK: {
      const char* comm = reinterpret_cast<const char*>(&rec.mask);
      scan.processes.push_back(
          KernelProcess{static_cast<int>(rec.pid), std::string(comm, strnlen(comm, 16))});
      return;
    }
    default:
      return;
  }
}

Result<KernelFanotifyScan> RunIterators(fanotify_iter* skel) {
  KernelFanotifyScan scan;
  for (bpf_program* program : {skel->progs.fanotify_groups, skel->progs.processes}) {
    bpf_link* link = bpf_program__attach_iter(program, nullptr);
    if (link == nullptr) return Unavailable("cannot attach the BPF iterator", errno);
    auto bytes = ReadIterator(link);
    bpf_link__destroy(link);
    if (!bytes.Ok()) return bytes.Err();
    const std::string& data = bytes.Value();
    for (std::size_t at = 0; at + sizeof(fanotify_iter_record) <= data.size();
         at += sizeof(fanotify_iter_record)) {
      fanotify_iter_record rec{};
      std::memcpy(&rec, data.data() + at, sizeof rec);
      Decode(rec, scan);
    }
  }
  return scan;
}

class BpfFanotifyGroupSource final : public FanotifyGroupSource {
 public:
  Result<KernelFanotifyScan> Scan() const override {
    if (::access("/sys/kernel/btf/vmlinux", R_OK) != 0) {
      return Unavailable("the kernel has no BTF (/sys/kernel/btf/vmlinux)", errno);
    }
    libbpf_set_print(Quiet);
    fanotify_iter* skel = fanotify_iter__open_and_load();
    if (skel == nullptr) return Unavailable("cannot load the BPF program", errno);
    auto scan = RunIterators(skel);
    fanotify_iter__destroy(skel);
    return scan;
  }
};

}  // namespace

std::unique_ptr<FanotifyGroupSource> MakeFanotifyGroupSource() {
  return std::make_unique<BpfFanotifyGroupSource>();
}

}  // namespace preflight

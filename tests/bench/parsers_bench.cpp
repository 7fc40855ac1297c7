// Google Benchmark micro-benchmarks of the parsers on the fanotify check's hot path and the
// other per-run parsers: fdinfo of a fanotify group (ParseFdinfo), os-release (ParseOsRelease),
// /proc/mounts (ParseMounts). Inputs are the kernel 6.18 / Debian 12 formats the unit tests use,
// scaled up where a busy host makes them long.
//
//   build/tests/preflight_parsers_bench [--benchmark_filter=Fdinfo]

#include <benchmark/benchmark.h>

#include <string>

#include "probes/common/os_release.h"
#include "probes/linux/fanotify/fdinfo_parser.h"
#include "probes/linux/mounts.h"

namespace {

// A content-class group with `marks` inode marks (fs/notify/fdinfo.c line format).
std::string Fdinfo(int marks) {
  std::string text = "pos:\t0\nflags:\t02000002\nmnt_id:\t17\nino:\t1038\n";
  text += "fanotify flags:15 event-flags:8000\n";
  for (int i = 0; i < marks; ++i) {
    text += "fanotify ino:" + std::to_string(0xa721ee + i) +
            " sdev:fe00000 mflags:0 mask:50000 ignored_mask:0 fhandle-bytes:8 fhandle-type:1 "
            "f_handle:ee21a7007744da5b\n";
  }
  return text;
}

void BM_ParseFdinfo(benchmark::State& state) {
  const std::string text = Fdinfo(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    benchmark::DoNotOptimize(preflight::ParseFdinfo(text));
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_ParseFdinfo)->Arg(0)->Arg(1)->Arg(100)->Arg(10000);

void BM_ParseOsRelease(benchmark::State& state) {
  const std::string text =
      "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\n"
      "VERSION_ID=\"12\"\nVERSION=\"12 (bookworm)\"\nVERSION_CODENAME=bookworm\nID=debian\n"
      "HOME_URL=\"https://www.debian.org/\"\nSUPPORT_URL=\"https://www.debian.org/support\"\n"
      "BUG_REPORT_URL=\"https://bugs.debian.org/\"\n";
  for (auto _ : state) {
    benchmark::DoNotOptimize(preflight::ParseOsRelease(text));
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_ParseOsRelease);

void BM_ParseMounts(benchmark::State& state) {
  std::string text =
      "/dev/sda1 / ext4 rw,relatime 0 0\nproc /proc proc rw,nosuid,nodev,noexec,relatime 0 0\n";
  for (int i = 0; i < state.range(0); ++i) {
    text += "overlay /var/lib/docker/overlay2/" + std::to_string(i) +
            "/merged overlay rw,relatime,lowerdir=/a:/b,upperdir=/c,workdir=/d 0 0\n";
  }
  for (auto _ : state) {
    benchmark::DoNotOptimize(preflight::ParseMounts(text));
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_ParseMounts)->Arg(0)->Arg(100)->Arg(5000);

}  // namespace

BENCHMARK_MAIN();

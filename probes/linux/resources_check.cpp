#include "probes/linux/resources_check.h"

#include <optional>
#include <string>
#include <vector>

#include "platform/file_system.h"
#include "platform/system_info.h"
#include "platform/text.h"
#include "probes/common/findings.h"
#include "probes/common/tree_links.h"
#include "probes/common/version.h"
#include "probes/linux/resource_parsers.h"

namespace preflight {
namespace {

// Minimums: mde-linux-prerequisites.md ("1 GB of RAM", "2 GB" disk, one core) as
// mde_installer.sh checks them: MIN_MEM_MB=1024 against `free -m` total (= MemTotal),
// MIN_DISK_SPACE_MB=2048 free at /opt (v1.2.1), glibc >= 2.17 from `ldd --version` (v1.2.1).
constexpr std::uint64_t kMinMemoryMb = 1024;
constexpr std::uint64_t kMinDiskMb = 2048;
constexpr const char* kMinGlibc = "2.17";
constexpr std::uint64_t kBytesPerMb = std::uint64_t{1024} * 1024;
// Where MDE installs its binaries (reference/linux.md 2.4, Paths).
constexpr const char* kInstallRoot = "/opt";

// /proc/meminfo is about 1.5 KB (fs/proc/meminfo.c).
constexpr std::size_t kMaxMeminfoBytes = std::size_t{64} * 1024;
// A CPU list is short; even 8192 CPUs with gaps fit many times over.
constexpr std::size_t kMaxCpuListBytes = std::size_t{64} * 1024;
// /proc/cpuinfo is ~1.5 KB per CPU on x86; 16 MiB covers 8192 CPUs (NR_CPUS maximum).
constexpr std::size_t kMaxCpuinfoBytes = std::size_t{16} * 1024 * 1024;
// libc.so.6 is about 2 MB (Debian 12 x86_64: 1.9 MB) and its banner sits near the end, in
// .rodata, so the whole file is read; 16 MiB admits unstripped builds and bounds a hostile file.
constexpr std::size_t kMaxLibcBytes = std::size_t{16} * 1024 * 1024;
// A library directory of a full desktop install holds a few thousand entries.
constexpr std::size_t kMaxLibDirEntries = 8192;
// Multiarch (Debian/Ubuntu), then the RPM distributions' lib64, then plain lib.
constexpr const char* kLibDirs[] = {
    "/lib/x86_64-linux-gnu",     "/lib/aarch64-linux-gnu",     "/lib64",     "/lib",
    "/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib",
};

std::string ParentOf(const std::string& path) {
  const std::size_t slash = path.rfind('/');
  return slash == 0 || slash == std::string::npos ? "/" : path.substr(0, slash);
}

struct Found {
  std::optional<std::string> value;
  std::string source;
};

// glibc in the inspected tree: the libc-X.Y.so name libc.so.6 links to (glibc < 2.34), the
// banner inside libc.so.6, or a libc-X.Y.so file in a library directory.
Found GlibcInTree(const Context& ctx, std::vector<std::string>& tried) {
  for (const char* dir : kLibDirs) {
    const std::string link = std::string(dir) + "/libc.so.6";
    const std::string target = ResolveInTree(ctx.fs, link);
    const std::string name = target.substr(target.rfind('/') + 1);
    if (auto version = GlibcVersionFromFileName(name)) {
      std::string source = link;
      source += " -> ";
      source += name;
      return {version, source};
    }
    if (!ctx.fs.Exists(target)) continue;
    tried.push_back(link);
    auto bytes = ctx.fs.ReadFile(target, kMaxLibcBytes);
    if (bytes.Ok()) {
      if (auto version = GlibcVersionFromBinary(bytes.Value())) return {version, target};
    }
  }
  for (const char* dir : kLibDirs) {
    auto listing = ctx.fs.ListDir(dir, kMaxLibDirEntries);
    if (!listing.Ok()) continue;
    for (const DirEntry& entry : listing.Value().entries) {
      if (auto version = GlibcVersionFromFileName(entry.name)) {
        return {version, std::string(dir) + "/" + entry.name};
      }
    }
  }
  return {};
}

struct CpuCount {
  std::optional<std::uint64_t> count;
  std::string source;
};

CpuCount CpusInTree(const Context& ctx) {
  // Documentation/ABI/testing/sysfs-devices-system-cpu: "online: cpus that are online".
  constexpr const char* kOnline = "/sys/devices/system/cpu/online";
  auto list = ctx.fs.ReadFile(kOnline, kMaxCpuListBytes);
  if (list.Ok()) {
    if (auto count = CountCpuList(list.Value()); count && *count > 0) {
      return {count, kOnline};
    }
  }
  auto cpuinfo = ctx.fs.ReadFile("/proc/cpuinfo", kMaxCpuinfoBytes);
  if (cpuinfo.Ok()) {
    const std::uint64_t count = CountCpuinfoProcessors(cpuinfo.Value());
    if (count > 0) return {count, "/proc/cpuinfo"};
  }
  return {};
}

void CheckMemory(const Context& ctx, Findings& findings, nlohmann::json& evidence) {
  auto text = ctx.fs.ReadFile("/proc/meminfo", kMaxMeminfoBytes);
  const std::optional<std::uint64_t> kib =
      text.Ok() ? MeminfoKib(text.Value(), "MemTotal") : std::nullopt;
  if (!kib) {
    const std::string why = text.Ok() ? "no MemTotal line in /proc/meminfo" : text.Err().message;
    findings.Add(Status::kWarn,
                 "The memory size could not be read (" + why + "), so the " +
                     std::to_string(kMinMemoryMb) + " MB minimum was not verified.",
                 "Check that the machine has at least 1 GB of RAM (free -m).");
    return;
  }
  const std::uint64_t mb = *kib / 1024;
  evidence["memory_total_mb"] = mb;
  evidence["memory_minimum_mb"] = kMinMemoryMb;
  if (mb < kMinMemoryMb) {
    findings.Add(Status::kFail,
                 "The machine has " + std::to_string(mb) +
                     " MB of memory (MemTotal), less than the " + std::to_string(kMinMemoryMb) +
                     " MB MDE requires.",
                 "Give the machine at least 1 GB of RAM (more for busy workloads).");
  }
}

void CheckDisk(const Context& ctx, Findings& findings, nlohmann::json& evidence) {
  // /opt itself may not exist yet; the package will create it on the file system of its parent.
  std::string path = ResolveInTree(ctx.fs, kInstallRoot);
  while (path != "/" && !ctx.fs.Exists(path)) path = ParentOf(path);
  evidence["disk_path"] = path;
  auto space = ctx.fs.Space(path);
  if (!space.Ok()) {
    findings.Add(Status::kWarn,
                 "The free space for " + std::string(kInstallRoot) + " could not be read (" +
                     space.Err().message + "), so the " + std::to_string(kMinDiskMb) +
                     " MB minimum was not verified.",
                 "Check that at least 2 GB is free under /opt (df -m /opt).");
    return;
  }
  const std::uint64_t available_mb = space.Value().available_bytes / kBytesPerMb;
  evidence["disk_available_mb"] = available_mb;
  evidence["disk_capacity_mb"] = space.Value().capacity_bytes / kBytesPerMb;
  evidence["disk_minimum_mb"] = kMinDiskMb;
  if (available_mb < kMinDiskMb) {
    findings.Add(Status::kFail,
                 "Only " + std::to_string(available_mb) +
                     " MB is free on the file system that holds " + kInstallRoot +
                     " (measured at " + path + "); MDE needs " + std::to_string(kMinDiskMb) +
                     " MB.",
                 "Free or add space so that 2 GB is available for /opt, or install MDE to a custom "
                 "path with enough space (mde_installer.sh --install-path).");
  }
}

}  // namespace

CheckResult ResourcesCheck::Run(const Context& ctx) const {
  Findings findings;
  nlohmann::json evidence = nlohmann::json::object();
  CheckMemory(ctx, findings, evidence);
  CheckDisk(ctx, findings, evidence);

  CpuCount cpus;
  if (ctx.live) {
    if (const unsigned n = ctx.system.OnlineCpus(); n > 0)
      cpus = {n, "sysconf(_SC_NPROCESSORS_ONLN)"};
  } else {
    cpus = CpusInTree(ctx);
  }
  if (cpus.count) {
    evidence["cpus"] = *cpus.count;
    evidence["cpus_source"] = cpus.source;
  } else {
    findings.Note(ctx.live ? "The number of online CPUs could not be read."
                           : "The CPU count could not be read from the tree (no "
                             "sys/devices/system/cpu/online or proc/cpuinfo); MDE needs one core.");
  }

  Found glibc;
  std::vector<std::string> tried;
  if (ctx.live) {
    glibc = {ctx.system.LibcVersion(), "gnu_get_libc_version()"};
  } else {
    glibc = GlibcInTree(ctx, tried);
  }
  if (!glibc.value) {
    evidence["glibc_tried"] = tried;
    findings.Add(Status::kWarn,
                 "The glibc version could not be determined" +
                     std::string(ctx.live ? "" : " from the tree's libc.so.6") +
                     "; MDE needs glibc " + kMinGlibc +
                     " or later and does not run on other C libraries such as musl.",
                 "Check the glibc version with ldd --version.");
  } else {
    evidence["glibc_version"] = std::string(TrimRight(*glibc.value, "\n "));
    evidence["glibc_source"] = glibc.source;
    if (CompareVersions(*glibc.value, kMinGlibc) < 0) {
      findings.Add(
          Status::kFail,
          "glibc " + *glibc.value + " is older than " + kMinGlibc + ", the oldest MDE supports.",
          "Move to a distribution release that ships glibc 2.17 or later.");
    }
  }

  std::string pass = "Memory, free space for /opt";
  pass += cpus.count ? ", CPU count" : "";
  pass += " and glibc meet MDE's minimums (1 GB RAM, 2 GB disk, 1 core, glibc 2.17).";
  return findings.Finish(pass, std::move(evidence));
}

}  // namespace preflight

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

void GatherMemory(const Context& ctx, ResourcesFacts& facts) {
  auto text = ctx.fs.ReadFile("/proc/meminfo", kMaxMeminfoBytes);
  if (!text.Ok()) {
    facts.memory_error = text.Err().message;
    return;
  }
  facts.memory_kib = MeminfoKib(text.Value(), "MemTotal");
  if (!facts.memory_kib) facts.memory_error = "no MemTotal line in /proc/meminfo";
}

void GatherDisk(const Context& ctx, ResourcesFacts& facts) {
  // /opt itself may not exist yet; the package will create it on the file system of its parent.
  std::string path = ResolveInTree(ctx.fs, kInstallRoot);
  while (path != "/" && !ctx.fs.Exists(path)) path = ParentOf(path);
  facts.disk_path = path;
  auto space = ctx.fs.Space(path);
  if (space.Ok()) {
    facts.disk = space.Value();
  } else {
    facts.disk_error = space.Err().message;
  }
}

ResourcesFacts GatherResources(const Context& ctx) {
  ResourcesFacts facts;
  facts.live = ctx.live;
  GatherMemory(ctx, facts);
  GatherDisk(ctx, facts);
  CpuCount cpus;
  Found glibc;
  if (ctx.live) {
    if (const unsigned n = ctx.system.OnlineCpus(); n > 0) {
      cpus = {n, "sysconf(_SC_NPROCESSORS_ONLN)"};
    }
    glibc = {ctx.system.LibcVersion(), "gnu_get_libc_version()"};
  } else {
    cpus = CpusInTree(ctx);
    glibc = GlibcInTree(ctx, facts.glibc_tried);
  }
  facts.cpus = cpus.count;
  facts.cpus_source = cpus.source;
  facts.glibc = glibc.value;
  facts.glibc_source = glibc.source;
  return facts;
}

// Under --root a tree without a /proc copy says nothing of the machine's memory or CPUs: they
// belong to the VM the image boots on.
std::string NotImageProperty(const std::string& what) {
  return what +
         " is not a property of an image: the VM the image boots on decides it, so it was not "
         "judged.";
}

void WordMemory(const ResourcesVerdict& verdict, const ResourcesFacts& facts, Findings& findings,
                nlohmann::json& evidence) {
  if (verdict.memory == Measure::kUnknown && !facts.live) {
    findings.Note(NotImageProperty("The memory size"));
    return;
  }
  if (verdict.memory == Measure::kUnknown) {
    findings.Add(Status::kWarn,
                 "The memory size could not be read (" + facts.memory_error + "), so the " +
                     std::to_string(kMinMemoryMb) + " MB minimum was not verified.",
                 "Check that the machine has at least 1 GB of RAM (free -m).");
    return;
  }
  evidence["memory_total_mb"] = verdict.memory_mb;
  evidence["memory_minimum_mb"] = kMinMemoryMb;
  if (verdict.memory == Measure::kBelowMinimum) {
    findings.Add(Status::kFail,
                 "The machine has " + std::to_string(verdict.memory_mb) +
                     " MB of memory (MemTotal), less than the " + std::to_string(kMinMemoryMb) +
                     " MB MDE requires.",
                 "Give the machine at least 1 GB of RAM (more for busy workloads).");
  }
}

void WordDisk(const ResourcesVerdict& verdict, const ResourcesFacts& facts, Findings& findings,
              nlohmann::json& evidence) {
  evidence["disk_path"] = facts.disk_path;
  if (verdict.disk == Measure::kUnknown) {
    findings.Add(Status::kWarn,
                 "The free space for " + std::string(kInstallRoot) + " could not be read (" +
                     facts.disk_error + "), so the " + std::to_string(kMinDiskMb) +
                     " MB minimum was not verified.",
                 "Check that at least 2 GB is free under /opt (df -m /opt).");
    return;
  }
  evidence["disk_available_mb"] = verdict.disk_available_mb;
  evidence["disk_capacity_mb"] = facts.disk->capacity_bytes / kBytesPerMb;
  evidence["disk_minimum_mb"] = kMinDiskMb;
  if (verdict.disk == Measure::kBelowMinimum) {
    findings.Add(Status::kFail,
                 "Only " + std::to_string(verdict.disk_available_mb) +
                     " MB is free on the file system that holds " + kInstallRoot +
                     " (measured at " + facts.disk_path + "); MDE needs " +
                     std::to_string(kMinDiskMb) + " MB.",
                 "Free or add space so that 2 GB is available for /opt, or install MDE to a custom "
                 "path with enough space (mde_installer.sh --install-path).");
  }
}

void WordGlibc(const ResourcesVerdict& verdict, const ResourcesFacts& facts, Findings& findings,
               nlohmann::json& evidence) {
  if (verdict.glibc == Measure::kUnknown) {
    evidence["glibc_tried"] = facts.glibc_tried;
    findings.Add(Status::kWarn,
                 "The glibc version could not be determined" +
                     std::string(facts.live ? "" : " from the tree's libc.so.6") +
                     "; MDE needs glibc " + kMinGlibc +
                     " or later and does not run on other C libraries such as musl.",
                 "Check the glibc version with ldd --version.");
    return;
  }
  evidence["glibc_version"] = std::string(TrimRight(*facts.glibc, "\n "));
  evidence["glibc_source"] = facts.glibc_source;
  if (verdict.glibc == Measure::kBelowMinimum) {
    findings.Add(
        Status::kFail,
        "glibc " + *facts.glibc + " is older than " + kMinGlibc + ", the oldest MDE supports.",
        "Move to a distribution release that ships glibc 2.17 or later.");
  }
}

CheckResult WordResources(const ResourcesFacts& facts, const ResourcesVerdict& verdict) {
  Findings findings;
  nlohmann::json evidence = nlohmann::json::object();
  WordMemory(verdict, facts, findings, evidence);
  WordDisk(verdict, facts, findings, evidence);
  if (verdict.cpus_known) {
    evidence["cpus"] = *facts.cpus;
    evidence["cpus_source"] = facts.cpus_source;
  } else if (facts.live) {
    findings.Note("The number of online CPUs could not be read.");
  } else {
    findings.Note(NotImageProperty("The CPU count"));
  }
  WordGlibc(verdict, facts, findings, evidence);
  std::string pass =
      verdict.memory == Measure::kUnknown ? "Free space for /opt" : "Memory, free space for /opt";
  pass += verdict.cpus_known ? ", CPU count" : "";
  pass += " and glibc meet MDE's minimums (";
  pass += verdict.memory == Measure::kUnknown ? "" : "1 GB RAM, ";
  pass += verdict.cpus_known ? "2 GB disk, 1 core, glibc 2.17)." : "2 GB disk, glibc 2.17).";
  return findings.Finish(pass, std::move(evidence));
}

}  // namespace

ResourcesVerdict EvaluateResources(const ResourcesFacts& facts) {
  ResourcesVerdict verdict;
  if (facts.memory_kib) {
    verdict.memory_mb = *facts.memory_kib / 1024;
    verdict.memory = verdict.memory_mb < kMinMemoryMb ? Measure::kBelowMinimum : Measure::kEnough;
  }
  if (facts.disk) {
    verdict.disk_available_mb = facts.disk->available_bytes / kBytesPerMb;
    verdict.disk =
        verdict.disk_available_mb < kMinDiskMb ? Measure::kBelowMinimum : Measure::kEnough;
  }
  if (facts.glibc) {
    verdict.glibc =
        CompareVersions(*facts.glibc, kMinGlibc) < 0 ? Measure::kBelowMinimum : Measure::kEnough;
  }
  verdict.cpus_known = facts.cpus.has_value();
  return verdict;
}

CheckResult ResourcesCheck::Run(const Context& ctx) const {
  const ResourcesFacts facts = GatherResources(ctx);
  return WordResources(facts, EvaluateResources(facts));
}

}  // namespace preflight

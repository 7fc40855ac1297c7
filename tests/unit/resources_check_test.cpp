#include "probes/linux/resources_check.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "tests/unit/hostchecks_fixture.h"

namespace preflight::testing {
namespace {

constexpr std::uint64_t kMiB = std::uint64_t{1} << 20;
constexpr std::uint64_t kGiB = kMiB << 10;

// Runs the check over a real tree with the free space pinned to `available_mb`.
CheckResult RunOn(const std::string& root, std::uint64_t available_mb = 10240,
                  std::string* space_path = nullptr) {
  TreeWorld world(root);
  SpaceOverrideFileSystem fs(*world.fs, SpaceInfo{50 * kGiB, available_mb * kMiB});
  const Context ctx = MakeContext(world.Parts(fs, /*live=*/false));
  CheckResult result = ResourcesCheck().Run(ctx);
  if (space_path != nullptr) *space_path = fs.last_space_path;
  return result;
}

TEST(ResourcesCheck, HealthyTreePasses) {
  const CheckResult r = RunOn(HostchecksCase("good_ubuntu2204"));
  EXPECT_EQ(r.status, Status::kPass) << r.summary;
  EXPECT_EQ(r.evidence["memory_total_mb"], 7933U);
  EXPECT_EQ(r.evidence["cpus"], 4U);
  EXPECT_EQ(r.evidence["cpus_source"], "/sys/devices/system/cpu/online");
  EXPECT_EQ(r.evidence["glibc_version"], "2.35");
  EXPECT_EQ(r.evidence["glibc_source"], "/lib/x86_64-linux-gnu/libc.so.6");
  EXPECT_EQ(r.evidence["disk_available_mb"], 10240U);
}

TEST(ResourcesCheck, SmallMemoryFails) {
  const CheckResult r = RunOn(HostchecksCase("rhel94_arm64"));
  EXPECT_EQ(r.status, Status::kFail) << r.summary;
  EXPECT_TRUE(Has(r.summary, "512 MB of memory")) << r.summary;
  EXPECT_EQ(r.evidence["cpus"], 2U);
  EXPECT_EQ(r.evidence["cpus_source"], "/proc/cpuinfo");
  EXPECT_EQ(r.evidence["glibc_version"], "2.34");
}

TEST(ResourcesCheck, OldGlibcFromFileNameFails) {
  const CheckResult r = RunOn(HostchecksCase("rhel610"));
  EXPECT_EQ(r.status, Status::kFail) << r.summary;
  EXPECT_TRUE(Has(r.summary, "glibc 2.12 is older than 2.17")) << r.summary;
  EXPECT_EQ(r.evidence["glibc_source"], "/lib64/libc-2.12.so");
  EXPECT_EQ(r.evidence["cpus"], 1U);
}

TEST(ResourcesCheck, GlibcThroughLibcSo6Links) {
  TempTree tree("centos7");
  tree.Symlink("lib64/libc.so.6", "libc-2.17.so");
  CheckResult r = RunOn(tree.root());
  EXPECT_EQ(r.evidence["glibc_version"], "2.17");
  EXPECT_EQ(r.evidence["glibc_source"], "/lib64/libc.so.6 -> libc-2.17.so");

  // An absolute link is followed inside the tree, never on the host running the test.
  TempTree absolute;
  absolute.Symlink("lib64/libc.so.6", "/usr/lib64/libc-2.28.so");
  r = RunOn(absolute.root());
  EXPECT_EQ(r.evidence["glibc_version"], "2.28");
}

TEST(ResourcesCheck, LowDiskFailsAndMeasuresTheNearestExistingAncestor) {
  std::string path;
  CheckResult r = RunOn(HostchecksCase("good_ubuntu2204"), 1500, &path);
  EXPECT_EQ(r.status, Status::kFail) << r.summary;
  EXPECT_TRUE(Has(r.summary, "Only 1500 MB is free")) << r.summary;
  EXPECT_EQ(path, "/");  // the fixture has no /opt

  TempTree tree("good_ubuntu2204");
  tree.Write("opt/microsoft/.keep", "");
  r = RunOn(tree.root(), 2048, &path);
  EXPECT_EQ(r.status, Status::kPass) << r.summary;
  EXPECT_EQ(path, "/opt");
}

// An image without a /proc copy: memory and CPUs belong to the VM it boots on and are not judged;
// glibc belongs to the image, and its absence is a warning, never a pass.
TEST(ResourcesCheck, EmptyTreeExplainsEveryUnknown) {
  const CheckResult r = RunOn(HostchecksCase("no_os_release"));
  EXPECT_EQ(r.status, Status::kWarn) << r.summary;
  EXPECT_TRUE(Has(r.summary, "memory size is not a property of an image")) << r.summary;
  EXPECT_TRUE(Has(r.summary, "glibc version could not be determined")) << r.summary;
  EXPECT_TRUE(Has(r.summary, "CPU count is not a property of an image")) << r.summary;
  EXPECT_FALSE(r.evidence.contains("cpus"));
  EXPECT_FALSE(r.evidence.contains("memory_total_mb"));
}

TEST(ResourcesCheck, ImageWithGlibcPassesWithoutClaimingMemory) {
  TempTree tree;
  tree.Symlink("lib/x86_64-linux-gnu/libc.so.6", "libc-2.36.so");
  const CheckResult r = RunOn(tree.root());
  EXPECT_EQ(r.status, Status::kPass) << r.summary;
  EXPECT_TRUE(Has(r.summary, "Free space for /opt and glibc meet")) << r.summary;
  EXPECT_FALSE(Has(r.summary, "1 GB RAM")) << r.summary;
  EXPECT_TRUE(Has(r.summary, "memory size is not a property of an image")) << r.summary;
}

// Disk logic over the in-memory fake: the longest configured prefix plays the mount.
TEST(ResourcesCheck, DiskLogicWithFakeFileSystem) {
  FakeWorld world;
  world.fs.AddFile("/proc/meminfo", "MemTotal: 4096000 kB\n");
  world.fs.SetSpace("/", SpaceInfo{100 * kGiB, 50 * kGiB});
  world.fs.SetSpace("/opt", SpaceInfo{4 * kGiB, 100 * kMiB});
  CheckResult r = ResourcesCheck().Run(world.Ctx(/*live=*/true));
  EXPECT_EQ(r.status, Status::kPass) << r.summary;  // no /opt yet: measured at /
  EXPECT_EQ(r.evidence["disk_path"], "/");

  world.fs.AddDir("/opt");
  r = ResourcesCheck().Run(world.Ctx(/*live=*/true));
  EXPECT_EQ(r.status, Status::kFail) << r.summary;
  EXPECT_EQ(r.evidence["disk_path"], "/opt");
  EXPECT_EQ(r.evidence["disk_available_mb"], 100U);
}

TEST(ResourcesCheck, UnreadableSpaceWarns) {
  FakeWorld world;
  world.fs.AddFile("/proc/meminfo", "MemTotal: 4096000 kB\n");
  const CheckResult r = ResourcesCheck().Run(world.Ctx(/*live=*/true));
  EXPECT_EQ(r.status, Status::kWarn) << r.summary;
  EXPECT_TRUE(Has(r.summary, "free space for /opt could not be read")) << r.summary;
}

TEST(ResourcesCheck, LiveUsesSystemInfo) {
  FakeWorld world;
  world.fs.AddFile("/proc/meminfo", "MemTotal: 4096000 kB\n");
  world.fs.SetSpace("/", SpaceInfo{100 * kGiB, 50 * kGiB});
  world.system.libc = "2.12";
  world.system.cpus = 0;
  const CheckResult r = ResourcesCheck().Run(world.Ctx(/*live=*/true));
  EXPECT_EQ(r.status, Status::kFail) << r.summary;
  EXPECT_EQ(r.evidence["glibc_source"], "gnu_get_libc_version()");
  EXPECT_TRUE(Has(r.summary, "online CPUs could not be read")) << r.summary;

  world.system.libc = std::nullopt;
  world.system.cpus = 8;
  const CheckResult unknown = ResourcesCheck().Run(world.Ctx(/*live=*/true));
  EXPECT_EQ(unknown.status, Status::kWarn) << unknown.summary;
  EXPECT_EQ(unknown.evidence["cpus"], 8U);
}

TEST(EvaluateResources, Table) {
  struct Row {
    std::optional<std::uint64_t> memory_kib;
    std::optional<std::uint64_t> disk_available_bytes;
    std::optional<std::string> glibc;
    std::optional<std::uint64_t> cpus;
    Measure memory;
    Measure disk;
    Measure glibc_measure;
  };
  const Row rows[] = {
      {8U << 20, 10 * kGiB, "2.35", 4, Measure::kEnough, Measure::kEnough, Measure::kEnough},
      // The minimums themselves are enough: 1024 MB of MemTotal, 2048 MB free, glibc 2.17.
      {1024U << 10, 2 * kGiB, "2.17", 1, Measure::kEnough, Measure::kEnough, Measure::kEnough},
      {(1024U << 10) - 1, 2 * kGiB - 1, "2.12", 1, Measure::kBelowMinimum, Measure::kBelowMinimum,
       Measure::kBelowMinimum},
      // ldd prints "2.9"-style versions; they compare as numbers, not text.
      {512U << 10, 100 * kMiB, "2.9", std::nullopt, Measure::kBelowMinimum, Measure::kBelowMinimum,
       Measure::kBelowMinimum},
      {std::nullopt, std::nullopt, std::nullopt, std::nullopt, Measure::kUnknown, Measure::kUnknown,
       Measure::kUnknown},
  };
  for (const Row& row : rows) {
    ResourcesFacts facts;
    facts.memory_kib = row.memory_kib;
    if (row.disk_available_bytes) facts.disk = SpaceInfo{50 * kGiB, *row.disk_available_bytes};
    facts.glibc = row.glibc;
    facts.cpus = row.cpus;
    const ResourcesVerdict verdict = EvaluateResources(facts);
    const std::string label = std::to_string(row.memory_kib.value_or(0)) + " kiB, " +
                              std::to_string(row.disk_available_bytes.value_or(0)) + " B, glibc " +
                              row.glibc.value_or("?");
    EXPECT_EQ(verdict.memory, row.memory) << label;
    EXPECT_EQ(verdict.disk, row.disk) << label;
    EXPECT_EQ(verdict.glibc, row.glibc_measure) << label;
    EXPECT_EQ(verdict.cpus_known, row.cpus.has_value()) << label;
  }
  ResourcesFacts facts;
  facts.memory_kib = 7933U * 1024;
  facts.disk = SpaceInfo{50 * kGiB, 3 * kGiB};
  const ResourcesVerdict verdict = EvaluateResources(facts);
  EXPECT_EQ(verdict.memory_mb, 7933U);
  EXPECT_EQ(verdict.disk_available_mb, 3072U);
}

}  // namespace
}  // namespace preflight::testing

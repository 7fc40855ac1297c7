// Real kernel, real file systems: the disk check against a small tmpfs mounted as <root>/opt.

#include <sys/mount.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include "platform/system_info.h"
#include "probes/linux/kernel_check.h"
#include "probes/linux/resources_check.h"
#include "tests/unit/hostchecks_fixture.h"

namespace preflight::testing {
namespace {

// Unmounts on scope exit, before the TempTree that holds the mount point is removed.
class Unmounter {
 public:
  explicit Unmounter(std::string path) : path_(std::move(path)) {}
  ~Unmounter() { ::umount2(path_.c_str(), MNT_DETACH); }
  Unmounter(const Unmounter&) = delete;
  Unmounter& operator=(const Unmounter&) = delete;

 private:
  std::string path_;
};

TEST(ResourcesCheckIntegration, SmallTmpfsAtOptFailsTheDiskCheck) {
  if (::geteuid() != 0) GTEST_SKIP() << "mounting a tmpfs needs root";
  TempTree tree;
  tree.Write("proc/meminfo", "MemTotal: 4096000 kB\n");
  const std::string opt = tree.root() + "/opt";
  std::filesystem::create_directories(opt);
  // 64 MiB: far below the 2048 MB minimum, small enough for any test machine.
  if (::mount("preflight-test", opt.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, "size=64m") != 0) {
    GTEST_SKIP() << "cannot mount a tmpfs here (" << std::strerror(errno)
                 << "); a container without CAP_SYS_ADMIN cannot";
  }
  Unmounter unmount(opt);
  // Use 16 MiB of it so that the free space, not only the size, is seen to be measured.
  std::ofstream(opt + "/filler", std::ios::binary) << std::string(std::size_t{16} << 20, 'x');

  TreeWorld world(tree.root());
  const CheckResult r = ResourcesCheck().Run(world.Ctx(/*live=*/false));
  EXPECT_EQ(r.status, Status::kFail) << r.summary;
  EXPECT_EQ(r.evidence["disk_path"], "/opt");
  EXPECT_EQ(r.evidence["disk_capacity_mb"], 64U);
  EXPECT_EQ(r.evidence["disk_available_mb"], 48U);
  EXPECT_NE(r.summary.find("Only 48 MB is free"), std::string::npos) << r.summary;
}

TEST(KernelCheckIntegration, LiveReleaseMatchesUname) {
  TreeWorld world("/");
  auto uname = MakeSystemInfo()->Uname();
  ASSERT_TRUE(uname.Ok());
  const CheckResult r = KernelCheck().Run(world.Ctx(/*live=*/true));
  EXPECT_EQ(r.report["host"]["kernel"], uname.Value().release);
  EXPECT_EQ(r.evidence["release_source"], "/proc/sys/kernel/osrelease");
}

}  // namespace
}  // namespace preflight::testing

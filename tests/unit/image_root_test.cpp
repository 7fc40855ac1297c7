// Under --root, every check over a tree that lacks what it needs says skip (or warns, or fails),
// never pass: an image pipeline must not read "ready" into a directory that holds nothing to judge.

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "agent/check_registry.h"
#include "agent/host_info.h"
#include "tests/unit/hostchecks_fixture.h"

namespace preflight::testing {
namespace {

// A minimal Debian 12 tree as debootstrap --variant=minbase leaves it, cut down to what matters:
// os-release, a dpkg database without MDE, an empty /proc mount point, debootstrap's fstab, no
// systemd, no Python, no kernel, no C library.
void MinimalTree(const TempTree& tree) {
  tree.Write("etc/os-release",
             "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\nVERSION_ID=\"12\"\n");
  tree.Write("etc/hostname", "golden-12\n");
  tree.Write("etc/fstab", "# UNCONFIGURED FSTAB FOR BASE SYSTEM\n");
  tree.Write("var/lib/dpkg/status",
             "Package: dpkg\nStatus: install ok installed\nArchitecture: amd64\n"
             "Version: 1.21.22\n\nPackage: base-files\nStatus: install ok installed\n"
             "Architecture: amd64\nVersion: 12.4+deb12u5\n\n");
  tree.Write("proc/.keep", "");
  std::filesystem::remove(std::filesystem::path(tree.root()) / "proc/.keep");
}

std::string Describe(const std::string& id, const CheckResult& r) {
  return id + " " + StatusName(r.status) + ": " + r.summary;
}

TEST(ImageRoot, NoCheckPassesOnAnEmptyDirectory) {
  TempTree tree;
  TreeWorld world(tree.root());
  const Context ctx = world.Ctx(/*live=*/false);
  std::size_t walked = 0;
  for (const auto& check : MakePlatformChecks()) {
    const CheckResult r = check->Run(ctx);
    EXPECT_NE(r.status, Status::kPass) << Describe(std::string(check->Id()), r);
    ++walked;
  }
  EXPECT_EQ(walked, MakePlatformChecks().size());
  EXPECT_GT(walked, 5U);
}

// In the minimal tree only what the tree states may pass: the distribution (os-release, the
// architecture from dpkg) and "MDE is not installed" (a dpkg database without mdatp).
TEST(ImageRoot, NoCheckPassesOnWhatAMinimalTreeLacks) {
  TempTree tree;
  MinimalTree(tree);
  TreeWorld world(tree.root());
  const Context ctx = world.Ctx(/*live=*/false);
  const std::set<std::string> judged_from_the_tree = {"linux.os", "mde.install"};
  for (const auto& check : MakePlatformChecks()) {
    const std::string id(check->Id());
    const CheckResult r = check->Run(ctx);
    if (judged_from_the_tree.count(id) != 0) {
      EXPECT_EQ(r.status, Status::kPass) << Describe(id, r);
    } else {
      EXPECT_NE(r.status, Status::kPass) << Describe(id, r);
    }
  }
}

TEST(ImageRoot, MachinePropertiesAreSkippedAsNotPropertiesOfAnImage) {
  TempTree tree;
  MinimalTree(tree);
  TreeWorld world(tree.root());
  const Context ctx = world.Ctx(/*live=*/false);
  const CheckResult mounts = MakeCheck("linux.mounts")->Run(ctx);
  EXPECT_EQ(mounts.status, Status::kSkip) << mounts.summary;
  EXPECT_TRUE(Has(mounts.summary, "not a property of an image")) << mounts.summary;
  const CheckResult fanotify = MakeCheck("linux.fanotify")->Run(ctx);
  EXPECT_EQ(fanotify.status, Status::kSkip) << fanotify.summary;
  EXPECT_TRUE(Has(fanotify.summary, "holds no process")) << fanotify.summary;
  const CheckResult resources = MakeCheck("linux.resources")->Run(ctx);
  EXPECT_TRUE(Has(resources.summary, "memory size is not a property of an image"))
      << resources.summary;
}

TEST(ImageRoot, HostFactsComeFromTheTree) {
  TempTree tree;
  MinimalTree(tree);
  TreeWorld world(tree.root());
  const Context ctx = world.Ctx(/*live=*/false);
  const nlohmann::json host = CollectHost(ctx);
  EXPECT_EQ(host["arch"], "x86_64");  // dpkg's own package: Architecture: amd64
  EXPECT_EQ(host["hostname"], "golden-12");
  const CheckResult os = MakeCheck("linux.os")->Run(ctx);
  EXPECT_EQ(os.evidence["machine_source"], "/var/lib/dpkg/status (dpkg amd64)");
  EXPECT_FALSE(Has(os.summary, "assumed")) << os.summary;
}

// Without a package database the ELF header of the tree's binaries says the architecture.
TEST(ImageRoot, ArchitectureFromTheElfHeaderWithoutAPackageDatabase) {
  TempTree tree;
  std::string aarch64(64, '\0');
  aarch64.replace(0, 4,
                  "\x7f"
                  "ELF");
  aarch64[4] = 2;                        // ELFCLASS64
  aarch64[5] = 1;                        // little-endian
  aarch64[18] = static_cast<char>(183);  // EM_AARCH64
  tree.Write("usr/bin/env", aarch64);
  TreeWorld world(tree.root());
  const nlohmann::json host = CollectHost(world.Ctx(/*live=*/false));
  EXPECT_EQ(host["arch"], "aarch64");
}

}  // namespace
}  // namespace preflight::testing

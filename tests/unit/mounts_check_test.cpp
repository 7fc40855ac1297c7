#include "probes/linux/mounts_check.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "probes/linux/linux_support.h"
#include "probes/linux/mounts.h"

#include "tests/unit/hostchecks_fixture.h"

namespace preflight::testing {
namespace {

constexpr auto RunOn = &RunCheckOn<MountsCheck>;

struct MountsCase {
  const char* name;
  Status status;
  const char* summary_part;
  const char* remediation_part;
};

TEST(MountsCheck, FixtureTrees) {
  const MountsCase cases[] = {
      {"good_ubuntu2204", Status::kPass, "allow execution", ""},
      {"mounts_noexec_opt", Status::kFail, "MDE's binaries (wdavdaemon) cannot run",
       "mount -o remount,exec /opt"},
      {"mounts_noexec_var", Status::kFail, "fails with exit code 126 (WALinuxAgent #1388)",
       "Remount /var without noexec"},
      {"mounts_zfs_root", Status::kWarn,
       "Real-time protection does not support the file systems holding / (zfs), /opt (zfs)", ""},
      {"mounts_fstab_noexec_var", Status::kFail, "exit code 126", ""},
      // An image without a mount table: its mounts belong to the machine it boots on.
      {"no_os_release", Status::kSkip, "not a property of an image", ""},
  };
  for (const auto& c : cases) {
    const CheckResult r = RunOn(HostchecksCase(c.name));
    EXPECT_EQ(r.status, c.status) << c.name << ": " << r.summary;
    EXPECT_TRUE(Has(r.summary, c.summary_part)) << c.name << ": " << r.summary;
    EXPECT_TRUE(Has(r.remediation, c.remediation_part)) << c.name << ": " << r.remediation;
  }
}

TEST(MountsCheck, EvidenceNamesTheMountsAndUnsupportedTypes) {
  const CheckResult good = RunOn(HostchecksCase("good_ubuntu2204"));
  EXPECT_EQ(good.evidence["mde_mount"]["mount_point"], "/");
  EXPECT_EQ(good.evidence["root_mount"]["fs_type"], "ext4");
  // squashfs (snaps) is a real file system real-time protection does not cover; the pseudo
  // file systems (proc, sysfs, cgroup2, devpts, mqueue, ...) are left out.
  EXPECT_EQ(good.evidence["unsupported_filesystems"],
            nlohmann::json({{"squashfs", {"/snap/core20/2182"}}}));

  const CheckResult zfs = RunOn(HostchecksCase("mounts_zfs_root"));
  const auto& unsupported = zfs.evidence["unsupported_filesystems"];
  EXPECT_EQ(unsupported["zfs"], nlohmann::json({"/", "/opt"}));
  EXPECT_EQ(unsupported["fuse.sshfs"], nlohmann::json({"/mnt/remote"}));
  EXPECT_FALSE(unsupported.contains("nfs4"));
  EXPECT_FALSE(unsupported.contains("proc"));
}

TEST(MountsCheck, VarNoexecOnlyMattersWhereWaagentLives) {
  const CheckResult r = RunOn(HostchecksCase("mounts_noexec_var"));
  EXPECT_EQ(r.evidence["waagent_mount"]["mount_point"], "/var");
  EXPECT_EQ(r.evidence["mde_mount"]["noexec"], false);
}

TEST(MountsCheck, FstabIsTheOfflineFallbackAndSaysSo) {
  const CheckResult r = RunOn(HostchecksCase("mounts_fstab_noexec_var"));
  EXPECT_EQ(r.evidence["source"], "/etc/fstab");
  EXPECT_TRUE(Has(r.summary, "mount options come from /etc/fstab")) << r.summary;
}

TEST(MountsCheck, CustomInstallPathIsFollowedInsideTheTree) {
  TempTree tree;
  tree.Write("proc/mounts",
             "/dev/sda1 / ext4 rw 0 0\n/dev/sdc1 /opt xfs rw,noexec 0 0\n"
             "/dev/sdd1 /data xfs rw 0 0\n");
  // mde_installer.sh --install-path leaves /opt/microsoft/mdatp as a link to the real place.
  tree.Symlink("opt/microsoft/mdatp", "/data/mdatp");
  const CheckResult r = RunOn(tree.root());
  EXPECT_EQ(r.evidence["mde_path_resolved"], "/data/mdatp");
  EXPECT_EQ(r.evidence["mde_mount"]["mount_point"], "/data");
  // /opt is still noexec but holds no MDE binaries; only its file system type is judged.
  EXPECT_EQ(r.status, Status::kPass) << r.summary;
}

TEST(MountsCheck, LiveDoesNotFallBackToFstab) {
  FakeWorld world;
  world.fs.AddFile("/etc/fstab", "UUID=1 /var ext4 noexec 0 0\n");
  const CheckResult r = MountsCheck().Run(world.Ctx(/*live=*/true));
  EXPECT_EQ(r.status, Status::kWarn) << r.summary;
  EXPECT_TRUE(Has(r.summary, "mount table could not be read")) << r.summary;
}

TEST(EvaluateMounts, Table) {
  LinuxSupport support;
  support.rtp_filesystems = {"ext4", "xfs"};
  support.pseudo_filesystems = {"proc", "tmpfs"};
  struct Row {
    const char* mounts;
    const char* mde_path;
    bool mde_noexec;
    bool waagent_noexec;
    const char* mde_mount_point;  // empty: no mount holds it
    std::vector<std::string> unsupported_holders;
  };
  const Row rows[] = {
      {"/dev/sda1 / ext4 rw 0 0\nproc /proc proc rw 0 0\n",
       "/opt/microsoft/mdatp",
       false,
       false,
       "/",
       {}},
      {"/dev/sda1 / ext4 rw 0 0\n/dev/sdb1 /opt xfs rw,noexec 0 0\n",
       "/opt/microsoft/mdatp",
       true,
       false,
       "/opt",
       {}},
      // A custom install path (a link inside the tree) moves the question to its file system.
      {"/dev/sda1 / ext4 rw 0 0\n/dev/sdb1 /opt xfs rw,noexec 0 0\n/dev/sdc1 /data xfs rw 0 0\n",
       "/data/mdatp",
       false,
       false,
       "/data",
       {}},
      {"/dev/sda1 / ext4 rw 0 0\n/dev/sdb1 /var ext4 rw,noexec 0 0\n",
       "/opt/microsoft/mdatp",
       false,
       true,
       "/",
       {}},
      // A later mount over the same point wins.
      {"/dev/sda1 / ext4 rw 0 0\n/dev/sdb1 /var ext4 noexec 0 0\n/dev/sdc1 /var ext4 rw 0 0\n",
       "/opt/microsoft/mdatp",
       false,
       false,
       "/",
       {}},
      {"rpool/root / zfs rw 0 0\nrpool/opt /opt zfs rw 0 0\n",
       "/opt/microsoft/mdatp",
       false,
       false,
       "/opt",
       {"/ (zfs)", "/opt (zfs)"}},
      // /opt on the root file system is named once; "auto" (fstab) is not judged.
      {"rpool/root / zfs rw 0 0\n", "/opt/microsoft/mdatp", false, false, "/", {"/ (zfs)"}},
      {"UUID=1 / auto defaults 0 0\n", "/opt/microsoft/mdatp", false, false, "/", {}},
      {"", "/opt/microsoft/mdatp", false, false, "", {}},
  };
  for (const Row& row : rows) {
    MountsFacts facts;
    facts.table_read = true;
    facts.source = "/proc/mounts";
    facts.mounts = ParseMounts(row.mounts);
    facts.mde_path = row.mde_path;
    facts.waagent_path = "/var/lib/waagent";
    facts.opt_path = "/opt";
    const MountsVerdict verdict = EvaluateMounts(&support, facts);
    EXPECT_EQ(verdict.mde_noexec, row.mde_noexec) << row.mounts;
    EXPECT_EQ(verdict.waagent_noexec, row.waagent_noexec) << row.mounts;
    EXPECT_EQ(verdict.mde_mount ? verdict.mde_mount->mount_point : "", row.mde_mount_point)
        << row.mounts;
    EXPECT_TRUE(verdict.types_judged);
    EXPECT_EQ(verdict.unsupported_holders, row.unsupported_holders) << row.mounts;
  }
}

TEST(EvaluateMounts, OtherTypesAreListedWithinBoundsAndOnlyWithTheTable) {
  LinuxSupport support;
  support.rtp_filesystems = {"ext4"};
  support.pseudo_filesystems = {"proc"};
  MountsFacts facts;
  facts.table_read = true;
  std::string table = "/dev/sda1 / ext4 rw 0 0\nproc /proc proc rw 0 0\n";
  for (int i = 0; i < 8; ++i)
    table += "snap" + std::to_string(i) + " /snap/" + std::to_string(i) + " squashfs ro 0 0\n";
  for (int i = 0; i < 30; ++i)
    table += "x /mnt/" + std::to_string(i) + " type" + std::to_string(i) + " rw 0 0\n";
  facts.mounts = ParseMounts(table);
  facts.mde_path = "/opt/microsoft/mdatp";
  facts.waagent_path = "/var/lib/waagent";
  facts.opt_path = "/opt";
  const MountsVerdict verdict = EvaluateMounts(&support, facts);
  EXPECT_EQ(verdict.unsupported_types.size(), 20U);
  EXPECT_EQ(verdict.unsupported_types.at("squashfs").size(), 5U);
  EXPECT_EQ(verdict.unsupported_types.count("proc"), 0U);
  EXPECT_EQ(verdict.unsupported_types.count("ext4"), 0U);

  const MountsVerdict without_table = EvaluateMounts(nullptr, facts);
  EXPECT_FALSE(without_table.types_judged);
  EXPECT_TRUE(without_table.unsupported_types.empty());
  EXPECT_EQ(without_table.root_mount, &facts.mounts[0]);
}

}  // namespace
}  // namespace preflight::testing

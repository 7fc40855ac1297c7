#include "probes/linux/mounts.h"

#include <gtest/gtest.h>

namespace preflight {
namespace {

TEST(ParseMounts, ReadsProcMountsLines) {
  const auto mounts = ParseMounts(
      "/dev/root / ext4 rw,relatime,discard 0 0\n"
      "proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0\n"
      "/dev/sdc1 /opt xfs rw,nosuid,nodev,noexec,relatime 0 0\n"
      "server:/export /srv/my\\040share nfs4 rw,vers=4.2 0 0\n"
      "/dev/sdd1 /mnt/tab\\011and\\012newline\\134slash ext4 rw 0 0\n");
  ASSERT_EQ(mounts.size(), 5U);
  EXPECT_EQ(mounts[0].device, "/dev/root");
  EXPECT_EQ(mounts[0].mount_point, "/");
  EXPECT_EQ(mounts[0].fs_type, "ext4");
  EXPECT_EQ(mounts[0].options, (std::vector<std::string>{"rw", "relatime", "discard"}));
  EXPECT_TRUE(HasOption(mounts[2], "noexec"));
  EXPECT_FALSE(HasOption(mounts[0], "noexec"));
  EXPECT_EQ(mounts[3].mount_point, "/srv/my share");
  EXPECT_EQ(mounts[4].mount_point, "/mnt/tab\tand\nnewline\\slash");
}

TEST(ParseMounts, ReadsFstabWithCommentsAndTabs) {
  const auto mounts = ParseMounts(
      "# /etc/fstab\n"
      "UUID=1234\t/\text4\terrors=remount-ro\t0\t1\n"
      "UUID=5678  /var/   ext4  defaults,noexec  0 2\n"
      "/swapfile none swap sw 0 0\n"
      "\n   \n");
  ASSERT_EQ(mounts.size(), 3U);
  EXPECT_EQ(mounts[1].mount_point, "/var");
  EXPECT_TRUE(HasOption(mounts[1], "noexec"));
  EXPECT_EQ(mounts[2].mount_point, "none");
}

struct GarbageCase {
  std::string_view text;
  std::size_t count;
};

TEST(ParseMounts, SkipsMalformedTruncatedAndBinaryLines) {
  const GarbageCase cases[] = {
      {"", 0},
      {"\n\n", 0},
      {"only three fields", 0},
      {"/dev/sda1 / ext4", 0},
      {"/dev/sda1 / ext4 rw", 1},
      {"/dev/sda1 / ext4 rw 0 0\n/dev/sdb1 /da", 1},
      {"a b c ,,, 0 0", 1},
      {"\\777 \\0 \\08 \\", 1},
      {std::string_view("\0\0\0 \0 \0 \0\n", 10), 1},
      {"\xff\xfe \xfd \xfc \xfb\n", 1},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(ParseMounts(c.text).size(), c.count) << c.text;
  }
  EXPECT_TRUE(ParseMounts("a b c ,,, 0 0")[0].options.empty());
  EXPECT_EQ(ParseMounts("\\777 /x t o")[0].device, std::string(1, '\xff'));
  EXPECT_EQ(ParseMounts("\\08 /x t o")[0].device, "\\08");
  EXPECT_EQ(ParseMounts("ab\\04 /x t o")[0].device, "ab\\04");
}

struct FindCase {
  const char* path;
  const char* mount_point;  // nullptr: none
};

TEST(FindMountFor, LongestMountPointOnAComponentBoundary) {
  const auto mounts = ParseMounts(
      "/dev/root / ext4 rw 0 0\n"
      "/dev/sdb1 /op ext4 rw 0 0\n"
      "/dev/sdc1 /opt xfs rw,noexec 0 0\n"
      "/dev/sdd1 /var ext4 rw 0 0\n"
      "/dev/sde1 /var/lib/waagent ext4 rw 0 0\n"
      "tmpfs /var tmpfs rw,noexec 0 0\n"
      "none relative swap sw 0 0\n");
  const FindCase cases[] = {
      {"/opt/microsoft/mdatp", "/opt"},
      {"/opt", "/opt"},
      {"/optional", "/"},
      {"/op/x", "/op"},
      {"/var/lib/waagent", "/var/lib/waagent"},
      {"/var/lib/waagentx", "/var"},
      {"/", "/"},
  };
  for (const auto& c : cases) {
    const MountEntry* found = FindMountFor(mounts, c.path);
    ASSERT_NE(found, nullptr) << c.path;
    EXPECT_EQ(found->mount_point, c.mount_point) << c.path;
  }
  // The later of two mounts on /var is the one on top.
  EXPECT_EQ(FindMountFor(mounts, "/var/log")->fs_type, "tmpfs");
  EXPECT_EQ(FindMountFor(mounts, "relative"), nullptr);
  EXPECT_EQ(FindMountFor({}, "/opt"), nullptr);
}

}  // namespace
}  // namespace preflight

#include "probes/linux/fanotify/fdinfo_parser.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace preflight {
namespace {

// Documentation/filesystems/proc.rst, fanotify section.
constexpr std::string_view kDocumented =
    "pos:\t0\nflags:\t02\nmnt_id:\t9\nino:\t63107\n"
    "fanotify flags:10 event-flags:0\n"
    "fanotify mnt_id:12 mflags:40 mask:38 ignored_mask:40000003\n"
    "fanotify ino:4f969 sdev:800013 mflags:0 mask:3b ignored_mask:40000000 fhandle-bytes:8 "
    "fhandle-type:1 f_handle:69f90400c275b5b4\n";

// Kernel 6.18, fanotify_init(FAN_CLASS_NOTIF | FAN_CLOEXEC) with mount, inode and sb marks.
constexpr std::string_view kNotify618 =
    "pos:\t0\nflags:\t02000002\nmnt_id:\t17\nino:\t1038\n"
    "fanotify flags:1 event-flags:8000\n"
    "fanotify mnt_id:1b mflags:0 mask:28 ignored_mask:0\n"
    "fanotify ino:a721ee sdev:fe00000 mflags:0 mask:28 ignored_mask:0 fhandle-bytes:8 "
    "fhandle-type:1 f_handle:ee21a7007744da5b\n"
    "fanotify sdev:fe00000 mflags:0 mask:1 ignored_mask:0\n";

// Kernel 6.18, FAN_CLASS_CONTENT | FAN_CLOEXEC | FAN_UNLIMITED_QUEUE with an inode perm mark.
constexpr std::string_view kContent618 =
    "pos:\t0\nflags:\t02000002\nmnt_id:\t17\nino:\t1038\n"
    "fanotify flags:15 event-flags:8000\n"
    "fanotify ino:a721ee sdev:fe00000 mflags:0 mask:50000 ignored_mask:0 fhandle-bytes:8 "
    "fhandle-type:1 f_handle:ee21a7007744da5b\n";

struct Case {
  const char* name;
  std::string text;
  bool has_group_line;
  std::uint64_t flags;
  std::vector<FanotifyMarkKind> kinds;
  std::size_t malformed;
  bool blocking;  // permission events in the marks now
  std::uint64_t permission_events;
  bool class_can_block = false;  // content / pre-content class without permission marks
};

std::vector<Case> Cases() {
  using K = FanotifyMarkKind;
  return {
      {"documented", std::string(kDocumented), true, 0x10, {K::kMount, K::kInode}, 0, false, 0},
      {"notify_6_18",
       std::string(kNotify618),
       true,
       0x1,
       {K::kMount, K::kInode, K::kFilesystem},
       0,
       false,
       0},
      {"content_6_18",
       std::string(kContent618),
       true,
       0x15,
       {K::kInode},
       0,
       true,
       kFanOpenPerm | kFanOpenExecPerm},
      {"pre_content_pre_access",
       "fanotify flags:9 event-flags:8000\n"
       "fanotify ino:a721ee sdev:fe00000 mflags:0 mask:100000 ignored_mask:0 \n",
       true,
       0x9,
       {K::kInode},
       0,
       true,
       kFanPreAccess},
      {"group_without_marks",
       "pos:\t0\nfanotify flags:0 event-flags:8000\n",
       true,
       0,
       {},
       0,
       false,
       0},
      {"content_class_without_marks_can_block_but_does_not_yet",
       "fanotify flags:4 event-flags:0\n",
       true,
       4,
       {},
       0,
       false,
       0,
       true},
      {"notify_class_with_perm_mark_blocks",
       "fanotify flags:0 event-flags:0\nfanotify mnt_id:1b mflags:0 mask:10000 ignored_mask:0\n",
       true,
       0,
       {K::kMount},
       0,
       true,
       kFanOpenPerm},
      {"perm_bit_only_in_ignored_mask_does_not_block",
       "fanotify flags:0 event-flags:0\nfanotify sdev:801 mflags:0 mask:20 ignored_mask:30000\n",
       true,
       0,
       {K::kFilesystem},
       0,
       false,
       0},
      {"reserved_dir_modify_bit_is_not_a_permission_event",
       "fanotify flags:0 event-flags:0\nfanotify sdev:801 mflags:0 mask:80000 ignored_mask:0\n",
       true,
       0,
       {K::kFilesystem},
       0,
       false,
       0},
      {"mount_namespace_old_and_new",
       "fanotify flags:0 event-flags:0\n"
       "fanotify mnt_ns:4026531841 mflags:0 mask:1000000 ignored_mask:0\n"
       "fanotify mnt_ns_id:18446744073709551615 mflags:0 mask:20000 ignored_mask:0\n",
       true,
       0,
       {K::kMountNamespace, K::kMountNamespace},
       0,
       true,
       kFanAccessPerm},
      {"unknown_kind_kept_as_other_and_its_mask_counts",
       "fanotify flags:0 event-flags:0\n"
       "fanotify user_ns_id:7 mflags:0 mask:40000 ignored_mask:0\n"
       "fanotify future_thing:1\n",
       true,
       0,
       {K::kOther, K::kOther},
       0,
       true,
       kFanOpenExecPerm},
      {"truncated_last_line_is_malformed",
       "fanotify flags:4 event-flags:0\nfanotify ino:3c51a sdev:fe00000 mflags:0 ma",
       true,
       4,
       {},
       1,
       false,
       0,
       true},
      {"cut_start_of_tail_read_is_ignored",
       "e:1 f_handle:69f90400\nfanotify mnt_id:12 mflags:0 mask:10000 ignored_mask:0\n",
       false,
       0,
       {K::kMount},
       0,
       true,
       kFanOpenPerm},
      {"garbage_values_are_malformed",
       "fanotify flags:zz event-flags:0\n"
       "fanotify mnt_id:-1 mflags:0 mask:1 ignored_mask:0\n"
       "fanotify mnt_ns:0x10 mflags:0 mask:1 ignored_mask:0\n"
       "fanotify user_ns_id:1 mask:nothex\n"
       "fanotify nocolon\n"
       "fanotify \n",
       false,
       0,
       {},
       6,
       false,
       0},
      {"huge_values_overflow_and_are_rejected",
       "fanotify flags:ffffffffffffffff event-flags:0\n"
       "fanotify mnt_id:1 mflags:0 mask:10000000000000000 ignored_mask:0\n"
       "fanotify mnt_ns:18446744073709551616 mflags:0 mask:1 ignored_mask:0\n"
       "fanotify ino:ffffffffffffffff sdev:ffffffff mflags:0 mask:0000000000000000010000 "
       "ignored_mask:0\n",
       true,
       0xffffffffffffffffULL,
       {K::kInode},
       2,
       true,
       kFanOpenPerm},
      {"duplicate_group_line_and_keys",
       "fanotify flags:0 event-flags:0\nfanotify flags:4 event-flags:0\n"
       "fanotify mnt_id:1 mflags:0 mask:20 mask:10000 ignored_mask:0\n",
       true,
       0,
       {K::kMount},
       1,
       false,
       0},
      {"crlf_tabs_and_extra_fields",
       "fanotify\tflags:0\tevent-flags:0\r\nfanotify mnt_id:1 mflags:0 mask:10000 "
       "ignored_mask:0 new_field:7\r\n",
       false,
       0,
       {K::kMount},
       0,
       true,
       kFanOpenPerm},
      {"inotify_lines_are_not_fanotify",
       "inotify wd:1 ino:2 sdev:3 mask:fff ignored_mask:0\n",
       false,
       0,
       {},
       0,
       false,
       0},
      {"empty", "", false, 0, {}, 0, false, 0},
      {"binary", std::string("\0fanotify \xff\xfe\n\0\0", 15), false, 0, {}, 0, false, 0},
  };
}

TEST(ParseFdinfo, TableOfKernelFormatsAndDamage) {
  for (const Case& c : Cases()) {
    SCOPED_TRACE(c.name);
    const FanotifyFdinfo info = ParseFdinfo(c.text);
    EXPECT_EQ(info.has_group_line, c.has_group_line);
    if (c.has_group_line) {
      EXPECT_EQ(info.flags, c.flags);
    }
    std::vector<FanotifyMarkKind> kinds;
    for (const FanotifyMark& mark : info.marks) kinds.push_back(mark.kind);
    EXPECT_EQ(kinds, c.kinds);
    EXPECT_EQ(info.malformed_lines, c.malformed);
    EXPECT_EQ(IsBlocking(info), c.blocking);
    EXPECT_EQ(CanBlock(info), c.blocking || c.class_can_block);
    EXPECT_EQ(PermissionEventsOf(info), c.permission_events);
  }
}

TEST(ParseFdinfo, ReadsEveryFieldOfTheDocumentedExample) {
  const FanotifyFdinfo info = ParseFdinfo(kDocumented);
  ASSERT_EQ(info.marks.size(), 2U);
  EXPECT_EQ(info.event_flags, 0U);
  EXPECT_FALSE(info.unterminated);
  const FanotifyMark& mount = info.marks[0];
  EXPECT_EQ(mount.object, 0x12U);
  EXPECT_EQ(mount.mflags, 0x40U);
  EXPECT_EQ(mount.mask, 0x38U);
  EXPECT_EQ(mount.ignored_mask, 0x40000003U);
  const FanotifyMark& inode = info.marks[1];
  EXPECT_EQ(inode.object, 0x4f969U);
  EXPECT_EQ(inode.sdev, 0x800013U);
  EXPECT_EQ(inode.mask, 0x3bU);
  EXPECT_EQ(inode.fhandle, "8:1:69f90400c275b5b4");
}

TEST(ParseFdinfo, KeepsOtherLinesAndNamespaceIdsInDecimal) {
  const FanotifyFdinfo info = ParseFdinfo(
      "fanotify flags:0 event-flags:0\nfanotify mnt_ns:4026531841 mflags:0 mask:1 ignored_mask:0\n"
      "fanotify user_ns_id:7 mflags:0 mask:1 ignored_mask:0");
  ASSERT_EQ(info.marks.size(), 2U);
  EXPECT_EQ(info.marks[0].object, 4026531841U);
  EXPECT_EQ(info.marks[1].text, "user_ns_id:7 mflags:0 mask:1 ignored_mask:0");
  EXPECT_TRUE(info.marks[1].has_mask);
  EXPECT_TRUE(info.unterminated);
}

TEST(ParseFdinfo, BadFhandleIsDroppedButTheMarkStays) {
  const FanotifyFdinfo info = ParseFdinfo(
      "fanotify ino:1 sdev:2 mflags:0 mask:10000 ignored_mask:0 fhandle-bytes:8 fhandle-type:1 "
      "f_handle:xyz\nfanotify ino:1 sdev:2 mflags:0 mask:1 ignored_mask:0 fhandle-bytes:8 "
      "fhandle-type:1 f_handle:" +
      std::string(300, 'a') + "\n");
  ASSERT_EQ(info.marks.size(), 2U);
  EXPECT_TRUE(info.marks[0].fhandle.empty());
  EXPECT_TRUE(info.marks[1].fhandle.empty());
}

TEST(ParseFdinfo, ManyMarksParseInOnePass) {
  std::string text = "fanotify flags:0 event-flags:0\n";
  for (int i = 0; i < 20000; ++i) {
    text += "fanotify ino:" + std::to_string(i) + " sdev:fe00000 mflags:0 mask:28 ignored_mask:0\n";
  }
  text += "fanotify ino:1 sdev:fe00000 mflags:0 mask:40000 ignored_mask:0\n";
  const FanotifyFdinfo info = ParseFdinfo(text);
  EXPECT_EQ(info.marks.size(), 20001U);
  EXPECT_EQ(PermissionEventsOf(info), kFanOpenExecPerm);
}

TEST(FanotifyNames, ClassAndPermissionEventNames) {
  EXPECT_STREQ(FanotifyClassName(0x1), "notify");
  EXPECT_STREQ(FanotifyClassName(0x15), "content");
  EXPECT_STREQ(FanotifyClassName(0x9), "pre_content");
  EXPECT_STREQ(FanotifyClassName(0xC), "invalid");
  EXPECT_EQ(PermissionEventNames(0x170000),
            (std::vector<std::string>{"FAN_OPEN_PERM", "FAN_ACCESS_PERM", "FAN_OPEN_EXEC_PERM",
                                      "FAN_PRE_ACCESS"}));
  EXPECT_TRUE(PermissionEventNames(0x80028).empty());
  EXPECT_STREQ(FanotifyMarkKindName(FanotifyMarkKind::kMountNamespace), "mount_namespace");
}

}  // namespace
}  // namespace preflight

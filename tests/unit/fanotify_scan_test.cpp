#include "probes/linux/fanotify/fanotify_scan.h"
#include "probes/linux/fanotify/fanotify_kernel_scan.h"
#include "probes/linux/fanotify/fanotify_scan_text.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "tests/fakes/fake_platform.h"
#include "tests/unit/fake_proc.h"
#include "tests/unit/faulty_file_system.h"

namespace preflight::testing {
namespace {

constexpr const char* kContentPerm = kContentPermFdinfo;
constexpr const char* kNotifyMount = kNotifyFdinfo;
using Proc = FakeProc;

void Add(FakeFileSystem& fs, const Proc& p) { AddFakeProc(fs, p); }

FanotifyScanOptions Options() {
  FanotifyScanOptions options;
  options.deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  return options;
}

TEST(ScanFanotifyHolders, FindsHoldersAndReadsFdinfoOnlyForFanotifyLinks) {
  FakeFileSystem fake;
  Add(fake, {812,
             "clamonacc",
             "/usr/sbin/clamonacc",
             std::string("/usr/sbin/clamonacc\0-F\0", 23),
             {{4, kContentPerm}}});
  Add(fake, {77, "bash", "/usr/bin/bash", "bash", {}});
  Add(fake, {1200, "watcher", "/usr/local/bin/watcher", "watcher", {{5, kNotifyMount}, {9, ""}}});
  fake.AddFile("/proc/self/comm", "x\n");
  fake.AddFile("/proc/sys/kernel/pid_max", "4194304\n");
  FaultyFileSystem fs(fake);

  const FanotifyScan scan = ScanFanotifyHolders(fs, Options());
  ASSERT_TRUE(scan.proc_listed);
  EXPECT_FALSE(scan.Partial());
  EXPECT_EQ(scan.stats.processes_seen, 3U);
  EXPECT_EQ(scan.stats.fds_checked, 4U + 3U + 5U);
  EXPECT_EQ(scan.stats.fanotify_fds, 3U);
  EXPECT_EQ(fs.FdinfoReads(), 3);  // never the fdinfo of /dev/null, sockets or epoll
  ASSERT_EQ(scan.holders.size(), 2U);

  const FanotifyHolder& clam = scan.holders[0];
  EXPECT_EQ(clam.pid, 812);
  EXPECT_EQ(clam.comm, "clamonacc");
  EXPECT_EQ(clam.exe, "/usr/sbin/clamonacc");
  EXPECT_EQ(clam.cmdline, "/usr/sbin/clamonacc -F");
  EXPECT_EQ(clam.uid, 0U);
  ASSERT_EQ(clam.groups.size(), 1U);
  EXPECT_EQ(clam.groups[0].fd, 4);
  EXPECT_TRUE(IsBlocking(clam.groups[0].info));

  const FanotifyHolder& watcher = scan.holders[1];
  EXPECT_EQ(watcher.pid, 1200);
  ASSERT_EQ(watcher.groups.size(), 2U);
  EXPECT_FALSE(IsBlocking(watcher.groups[0].info));
  // An empty fdinfo is still a group (marks may be absent, and the group line too when cut).
  EXPECT_EQ(watcher.groups[1].fd, 9);
  EXPECT_FALSE(watcher.groups[1].info.has_group_line);
}

TEST(ScanFanotifyHolders, VanishedProcessesAndFdsAreCountedNotErrors) {
  FakeFileSystem fake;
  Add(fake, {10, "gone-before-fd-list", "/x", "x", {{3, kContentPerm}}});
  Add(fake, {11, "fd-closed", "/x", "x", {{3, kContentPerm}}});
  Add(fake, {12, "fdinfo-gone", "/x", "x", {{3, kContentPerm}}});
  Add(fake, {13, "comm-gone", "/x", "x", {{3, kContentPerm}}});
  Add(fake, {14, "stays", "/x", "x", {{3, kContentPerm}}});
  FaultyFileSystem fs(fake);
  fs.Fail("/proc/10/fd", ErrorKind::kNotFound);
  fs.Fail("/proc/11/fd/3", ErrorKind::kNotFound);
  fs.Fail("/proc/12/fdinfo/3", ErrorKind::kNotFound);
  fs.Fail("/proc/13/comm", ErrorKind::kNotFound);

  const FanotifyScan scan = ScanFanotifyHolders(fs, Options());
  EXPECT_FALSE(scan.Partial());
  EXPECT_EQ(scan.stats.vanished_processes, 2U);  // 10 and 13
  EXPECT_EQ(scan.stats.vanished_fds, 2U);        // 11 and 12
  EXPECT_EQ(scan.stats.other_errors, 0U);
  ASSERT_EQ(scan.holders.size(), 1U);
  EXPECT_EQ(scan.holders[0].pid, 14);
}

TEST(ScanFanotifyHolders, PermissionErrorsMakeTheScanPartial) {
  FakeFileSystem fake;
  Add(fake, {20, "other-user", "/x", "x", {{3, kContentPerm}}});
  Add(fake, {21, "lsm-denied", "/usr/bin/agent", "agent", {{3, kContentPerm}}});
  Add(fake, {22, "io-error", "/x", "x", {{3, kContentPerm}}});
  FaultyFileSystem fs(fake);
  fs.Fail("/proc/20/fd", ErrorKind::kPermission);
  fs.Fail("/proc/21/fdinfo/3", ErrorKind::kPermission);
  fs.Fail("/proc/22/fd", ErrorKind::kOther);
  // pid 1 of a sandbox: the fd names list, but every readlink is denied. Counted once.
  Add(fake, {23, "process_api", "/x", "x", {{3, kContentPerm}}});
  fs.Fail("/proc/23/fd/0", ErrorKind::kPermission);
  fs.Fail("/proc/23/fd/1", ErrorKind::kPermission);

  const FanotifyScan scan = ScanFanotifyHolders(fs, Options());
  EXPECT_TRUE(scan.Partial());
  EXPECT_EQ(scan.stats.permission_denied, 3U);
  ASSERT_EQ(scan.denied.size(), 3U);
  EXPECT_EQ(scan.denied[2].comm, "process_api");
  EXPECT_EQ(scan.denied[0].pid, 20);
  EXPECT_EQ(scan.denied[0].comm, "other-user");
  EXPECT_EQ(scan.stats.other_errors, 1U);
  ASSERT_EQ(scan.stats.error_samples.size(), 1U);
  EXPECT_NE(scan.stats.error_samples[0].find("/proc/22/fd"), std::string::npos);
  // The fd is known to be a fanotify group even though its fdinfo is unreadable.
  ASSERT_EQ(scan.holders.size(), 1U);
  EXPECT_EQ(scan.holders[0].pid, 21);
  ASSERT_EQ(scan.holders[0].groups.size(), 1U);
  EXPECT_FALSE(scan.holders[0].groups[0].error.empty());
}

TEST(ScanFanotifyHolders, OversizedFdinfoKeepsTheTailAndIsFlagged) {
  FakeFileSystem fake;
  std::string fdinfo = "fanotify flags:4 event-flags:0\n";
  for (int i = 0; i < 50; ++i) {
    fdinfo += "fanotify ino:" + std::to_string(i) + " sdev:801 mflags:0 mask:1 ignored_mask:0\n";
  }
  fdinfo += "fanotify ino:99 sdev:801 mflags:0 mask:10000 ignored_mask:0\n";
  Add(fake, {30, "big", "/x", "x", {{3, fdinfo}}});
  FanotifyScanOptions options = Options();
  options.max_fdinfo_bytes = 500;

  const FanotifyScan scan = ScanFanotifyHolders(fake, options);
  EXPECT_EQ(scan.stats.fdinfo_truncated, 1U);
  ASSERT_EQ(scan.holders.size(), 1U);
  const FanotifyGroup& group = scan.holders[0].groups[0];
  EXPECT_TRUE(group.truncated);
  EXPECT_FALSE(group.info.has_group_line);
  EXPECT_GT(group.info.marks.size(), 3U);
  EXPECT_LT(group.info.marks.size(), 51U);
  EXPECT_EQ(PermissionEventsOf(group.info), kFanOpenPerm);
}

TEST(ScanFanotifyHolders, BoundsDeadlineAndMissingProc) {
  FakeFileSystem fake;
  Add(fake, {40, "many-fds", "/x", "x", {{3, kContentPerm}}});
  FanotifyScanOptions options = Options();
  options.max_fds_per_process = 2;
  FanotifyScan scan = ScanFanotifyHolders(fake, options);
  EXPECT_EQ(scan.stats.fd_lists_truncated, 1U);
  EXPECT_TRUE(scan.Partial());

  options = Options();
  options.deadline = std::chrono::steady_clock::now() - std::chrono::seconds(1);
  scan = ScanFanotifyHolders(fake, options);
  EXPECT_TRUE(scan.stats.deadline_reached);
  EXPECT_EQ(scan.stats.processes_seen, 0U);
  EXPECT_TRUE(scan.Partial());

  options = Options();
  options.max_proc_entries = 0;
  scan = ScanFanotifyHolders(fake, options);
  EXPECT_TRUE(scan.stats.proc_list_truncated);

  const FakeFileSystem empty;
  scan = ScanFanotifyHolders(empty, Options());
  EXPECT_FALSE(scan.proc_listed);
  EXPECT_EQ(scan.proc_error.kind, ErrorKind::kNotFound);
}

TEST(ScanFanotifyHolders, IgnoresNonPidEntriesAndNonNumericFds) {
  FakeFileSystem fake;
  for (const char* name : {"self", "0", "012", "-1", "99999999999", "1a"}) {
    fake.AddLink(std::string("/proc/") + name + "/fd/3", std::string(kFanotifyLinkTarget));
  }
  fake.AddLink("/proc/50/fd/x3", std::string(kFanotifyLinkTarget));
  fake.AddFile("/proc/50/comm", "p\n");
  const FanotifyScan scan = ScanFanotifyHolders(fake, Options());
  EXPECT_EQ(scan.stats.processes_seen, 1U);
  EXPECT_EQ(scan.stats.fds_checked, 0U);
  EXPECT_TRUE(scan.holders.empty());
}

TEST(ScanFanotifyHolders, DeletedExeLongCmdlineAndWatchedNames) {
  FakeFileSystem fake;
  Add(fake, {60,
             "wdavdaemon",
             "/opt/microsoft/mdatp/sbin/wdavdaemon (deleted)",
             "wdavdaemon",
             {{3, kNotifyMount}}});
  Add(fake, {61,
             "java",
             "/usr/bin/java",
             std::string(kMaxCmdlineBytes + 10, 'a') + std::string("\0-Dend", 6),
             {{3, kNotifyMount}}});
  Add(fake, {62, "ds_agent", "/opt/ds_agent/ds_agent", "ds_agent", {}});
  FanotifyScanOptions options = Options();
  options.watch_comms = {"ds_agent", "cbsensor"};

  const FanotifyScan scan = ScanFanotifyHolders(fake, options);
  ASSERT_EQ(scan.holders.size(), 2U);
  EXPECT_EQ(scan.holders[0].exe, "/opt/microsoft/mdatp/sbin/wdavdaemon");
  EXPECT_TRUE(scan.holders[0].exe_deleted);
  EXPECT_EQ(scan.holders[1].cmdline.substr(0, 4), "... ");
  EXPECT_LE(scan.holders[1].cmdline.size(), kMaxCmdlineChars + 8);
  ASSERT_EQ(scan.named.size(), 1U);
  EXPECT_EQ(scan.named[0].pid, 62);
  EXPECT_EQ(scan.named[0].comm, "ds_agent");
}

TEST(FormatCmdline, NulsBecomeSpacesAndSecretsAreRedacted) {
  const struct {
    std::string raw;
    std::string want;
  } cases[] = {
      {std::string("/usr/sbin/fapolicyd\0--debug\0", 28), "/usr/sbin/fapolicyd --debug"},
      {std::string("agent\0--password\0hunter2\0--user\0bob", 35),
       "agent --password *** --user bob"},
      {std::string("agent\0--api-token=abc\0--mode=fast", 33), "agent --api-token=*** --mode=fast"},
      {std::string("agent\0https://u:p@proxy:3128/x\0", 31), "agent https://***@proxy:3128/x"},
      {std::string("a\tb\0\x01\xff", 6), "a?b ??"},
      {"", ""},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(FormatCmdline(c.raw, 200), c.want) << c.raw;
  }
  EXPECT_EQ(FormatCmdline(std::string(50, 'x'), 10), "xxxxxxxxxx...");
}

TEST(ReportText, KeepsUtf8AndReplacesControlAndInvalidBytes) {
  EXPECT_EQ(ReportText("caf\xc3\xa9 \xe2\x82\xac", 100), "caf\xc3\xa9 \xe2\x82\xac");
  EXPECT_EQ(ReportText("\xc3(\xed\xa0\x80\xf4\x90\x80\x80\x7f\n", 100), "?(?????????");
  EXPECT_EQ(ReportText("ab\xe2\x82\xac", 3), "ab...");  // never cuts inside a character
  EXPECT_EQ(ReportText("\xe2\x82", 10), "??");          // cut sequence at the end
}

TEST(ParseStatusUid, ReadsTheRealUid) {
  EXPECT_EQ(ParseStatusUid("Name:\tx\nUid:\t1000\t0\t0\t0\nGid:\t5\n"), 1000U);
  EXPECT_EQ(ParseStatusUid("Uid:\t4294967295\t0\n"), 4294967295U);
  EXPECT_FALSE(ParseStatusUid("Uid:\t4294967296\t0\n"));
  EXPECT_FALSE(ParseStatusUid("Uid:\tx\n"));
  EXPECT_FALSE(ParseStatusUid("Name:\tUid:\t0\n"));
  EXPECT_FALSE(ParseStatusUid(""));
}

TEST(ProcHidepid, FindsTheOptionOfTheProcMount) {
  EXPECT_EQ(ProcHidepid("sysfs /sys sysfs rw 0 0\nproc /proc proc rw,nosuid,hidepid=invisible,"
                        "gid=10 0 0\n"),
            "invisible");
  EXPECT_FALSE(ProcHidepid("proc /proc proc rw,relatime 0 0\n"));
  EXPECT_FALSE(ProcHidepid("proc /mnt/proc proc rw,hidepid=2 0 0\n"));
  // The last mount at /proc is the visible one.
  EXPECT_FALSE(ProcHidepid("proc /proc proc rw,hidepid=2 0 0\nproc /proc proc rw 0 0\n"));
  EXPECT_FALSE(ProcHidepid(""));
}

// The pid list is split among workers; whatever their number, the result is the same scan.
TEST(ScanFanotifyHolders, WorkersSplitThePidsAndMergeToTheSameScan) {
  FakeFileSystem fake;
  for (int pid = 100; pid < 400; ++pid) {
    std::map<int, std::string> groups;
    if (pid % 37 == 0) groups[3 + pid % 5] = pid % 2 == 0 ? kContentPerm : kNotifyMount;
    Add(fake, {pid, "p" + std::to_string(pid), "/usr/bin/p", "p", groups});
  }
  fake.AddDir("/proc/500/fd");  // comm missing: a process that exits while it is scanned
  FanotifyScanOptions one = Options();
  one.threads = 1;
  one.watch_comms = {"p101", "p399"};
  const FanotifyScan base = ScanFanotifyHolders(fake, one);
  ASSERT_EQ(base.holders.size(), 8U);
  for (const std::size_t threads : {2U, 3U, 8U}) {
    SCOPED_TRACE(threads);
    FanotifyScanOptions many = one;
    many.threads = threads;
    const FanotifyScan scan = ScanFanotifyHolders(fake, many);
    EXPECT_EQ(scan.stats.processes_seen, base.stats.processes_seen);
    EXPECT_EQ(scan.stats.fds_checked, base.stats.fds_checked);
    EXPECT_EQ(scan.stats.fanotify_fds, base.stats.fanotify_fds);
    EXPECT_EQ(scan.stats.vanished_processes, base.stats.vanished_processes);
    ASSERT_EQ(scan.holders.size(), base.holders.size());
    for (std::size_t i = 0; i < scan.holders.size(); ++i) {
      EXPECT_EQ(scan.holders[i].pid, base.holders[i].pid);
      ASSERT_EQ(scan.holders[i].groups.size(), 1U);
      EXPECT_EQ(scan.holders[i].groups[0].fd, base.holders[i].groups[0].fd);
      EXPECT_EQ(IsBlocking(scan.holders[i].groups[0].info),
                IsBlocking(base.holders[i].groups[0].info));
    }
    ASSERT_EQ(scan.named.size(), 2U);
    EXPECT_EQ(scan.named[0].pid, 101);
    EXPECT_EQ(scan.named[1].pid, 399);
  }
}

// What the in-kernel iterator returns, in the /proc scan's terms: kinds by object type, the
// group line from the init flags, the comm of watched processes, and a group whose marks the
// kernel walk cut short re-read from fdinfo.
TEST(ScanFromKernel, BuildsTheSameHoldersAsFdinfoWouldShow) {
  FakeFileSystem fake;
  Add(fake, {812, "clamonacc", "/usr/sbin/clamonacc", "clamonacc", {{4, kContentPerm}}});
  Add(fake, {900, "big", "/usr/bin/big", "big", {{7, kNotifyMount}}});
  KernelFanotifyScan kernel;
  kernel.processes = {{1, "systemd"}, {812, "clamonacc"}, {900, "big"}, {950, "ds_agent"}};
  KernelFanotifyGroup group;
  group.pid = 812;
  group.fd = 4;
  group.flags = 0x15;
  group.event_flags = 0x8000;
  group.priority = 1;
  group.marks = {{1, 0x50000, 0}, {0, 0x28, 0}, {2, 0x1, 0x10000}, {3, 0x20000, 0}, {9, 0, 0}};
  KernelFanotifyGroup cut;
  cut.pid = 900;
  cut.fd = 7;
  cut.marks_cut = true;
  kernel.groups = {group, cut};
  FanotifyScanOptions options = Options();
  options.watch_comms = {"ds_agent"};
  const FanotifyScan scan = ScanFromKernel(fake, kernel, options);
  EXPECT_EQ(scan.stats.processes_seen, 4U);
  EXPECT_EQ(scan.stats.fanotify_fds, 2U);
  ASSERT_EQ(scan.named.size(), 1U);
  EXPECT_EQ(scan.named[0].pid, 950);
  ASSERT_EQ(scan.holders.size(), 2U);
  const FanotifyHolder& clam = scan.holders[0];
  EXPECT_EQ(clam.comm, "clamonacc");
  EXPECT_EQ(clam.exe, "/usr/sbin/clamonacc");
  const FanotifyFdinfo& info = clam.groups[0].info;
  EXPECT_EQ(FanotifyClassName(info.flags), std::string("content"));
  using K = FanotifyMarkKind;
  std::vector<K> kinds;
  for (const FanotifyMark& mark : info.marks) kinds.push_back(mark.kind);
  EXPECT_EQ(kinds,
            (std::vector<K>{K::kMount, K::kInode, K::kFilesystem, K::kMountNamespace, K::kOther}));
  EXPECT_EQ(PermissionEventsOf(info), kFanOpenPerm | kFanOpenExecPerm | kFanAccessPerm);
  // The cut group: fdinfo's own marks (one mount mark, notify class).
  const FanotifyGroup& big = scan.holders[1].groups[0];
  EXPECT_FALSE(big.truncated);
  ASSERT_EQ(big.info.marks.size(), 1U);
  EXPECT_EQ(big.info.marks[0].kind, K::kMount);
  EXPECT_FALSE(IsBlocking(big.info));
}

}  // namespace
}  // namespace preflight::testing

#include "probes/linux/fanotify/fanotify_check.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "tests/fakes/fake_platform.h"
#include "tests/unit/fake_proc.h"
#include "tests/unit/faulty_file_system.h"
#include "tests/unit/fixture_tree.h"

namespace preflight::testing {
namespace {

constexpr char kRhel[] =
    "ID=\"rhel\"\nID_LIKE=\"fedora\"\nVERSION_ID=\"9.4\"\n"
    "PRETTY_NAME=\"Red Hat Enterprise Linux 9.4 (Plow)\"\n";
constexpr char kRocky[] =
    "ID=\"rocky\"\nID_LIKE=\"rhel centos fedora\"\nVERSION_ID=\"9.3\"\n"
    "PRETTY_NAME=\"Rocky Linux 9.3 (Blue Onyx)\"\n";
constexpr char kUbuntu[] =
    "ID=ubuntu\nID_LIKE=debian\nVERSION_ID=\"22.04\"\n"
    "PRETTY_NAME=\"Ubuntu 22.04.4 LTS\"\n";

const FakeProc kClamonacc{812,
                          "clamonacc",
                          "/usr/sbin/clamonacc",
                          std::string("/usr/sbin/clamonacc\0--fdpass\0", 29),
                          {{4, kContentPermFdinfo}}};
const FakeProc kFapolicyd{
    900, "fapolicyd", "/usr/sbin/fapolicyd", "/usr/sbin/fapolicyd", {{3, kContentPermFdinfo}}};
const FakeProc kWdavdaemon{1000,
                           "wdavdaemon",
                           "/opt/microsoft/mdatp/sbin/wdavdaemon",
                           std::string("/opt/microsoft/mdatp/sbin/wdavdaemon\0edr\0", 41),
                           {{12, kContentPermFdinfo}}};
const FakeProc kWatcher{1200, "watcher", "/usr/local/bin/watcher", "watcher", {{5, kNotifyFdinfo}}};

struct World : FakeWorld {
  World() {
    fs.AddFile("/proc/1/comm", "systemd\n");
    fs.AddDir("/proc/1/fd");
  }
  CheckResult Run(bool live = true) {
    fs.SetLive(live);
    return FanotifyCheck().Run(Ctx(live));
  }
};

const nlohmann::json* UserByPid(const CheckResult& r, int pid) {
  if (!r.report.contains("fanotify_users")) return nullptr;
  for (const auto& user : r.report["fanotify_users"]) {
    if (user["pid"] == pid) return &user;
  }
  return nullptr;
}

bool Has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(FanotifyCheck, BlockingHolderOfAnotherProductFails) {
  World w;
  AddFakeProc(w.fs, kClamonacc);
  const CheckResult r = w.Run();
  EXPECT_EQ(r.status, Status::kFail);
  EXPECT_TRUE(Has(r.summary, "ClamAV on-access scanner (clamonacc), pid 812")) << r.summary;
  EXPECT_TRUE(Has(r.remediation, "system hangs"));
  EXPECT_TRUE(Has(r.remediation, "passive mode"));
  EXPECT_TRUE(Has(r.remediation, "mde-linux-prerequisites"));
  EXPECT_TRUE(Has(r.remediation, "install Defender for Endpoint manually"));
  const nlohmann::json* user = UserByPid(r, 812);
  ASSERT_NE(user, nullptr);
  EXPECT_EQ((*user)["comm"], "clamonacc");
  EXPECT_EQ((*user)["exe"], "/usr/sbin/clamonacc");
  EXPECT_EQ((*user)["cmdline"], "/usr/sbin/clamonacc --fdpass");
  EXPECT_EQ((*user)["blocking"], true);
  EXPECT_EQ((*user)["classification"], "conflict");
  EXPECT_EQ((*user)["product"], "ClamAV on-access scanner (clamonacc)");
  EXPECT_EQ((*user)["group_flags"], nlohmann::json::array({"0x15"}));
  EXPECT_EQ((*user)["marks"]["mount"], 1);
  EXPECT_EQ((*user)["permission_events"],
            nlohmann::json::array({"FAN_OPEN_PERM", "FAN_OPEN_EXEC_PERM"}));
  EXPECT_EQ((*user)["uid"], 0);
  EXPECT_EQ(r.evidence["scan"]["fanotify_fds"], 1);
}

TEST(FanotifyCheck, UnknownBlockingProgramIsNamedByCommAndExe) {
  World w;
  AddFakeProc(w.fs,
              {4242, "wdavdaemon", "/tmp/wdavdaemon", "wdavdaemon", {{3, kContentPermFdinfo}}});
  const CheckResult r = w.Run();
  EXPECT_EQ(r.status, Status::kFail);  // a look-alike name outside MDE's path is not MDE
  EXPECT_TRUE(Has(r.summary, "wdavdaemon (/tmp/wdavdaemon), pid 4242")) << r.summary;
  EXPECT_EQ((*UserByPid(r, 4242))["product"], nullptr);
}

TEST(FanotifyCheck, NotifyOnlyHoldersAreReportedWithoutFailing) {
  World w;
  AddFakeProc(w.fs, kWatcher);
  const CheckResult r = w.Run();
  EXPECT_EQ(r.status, Status::kPass);
  EXPECT_TRUE(Has(r.summary, "Notification-only")) << r.summary;
  EXPECT_TRUE(Has(r.summary, "watcher (/usr/local/bin/watcher), pid 1200"));
  EXPECT_EQ((*UserByPid(r, 1200))["classification"], "notify");
  EXPECT_EQ((*UserByPid(r, 1200))["blocking"], false);
  EXPECT_EQ((*UserByPid(r, 1200))["can_block"], false);
  EXPECT_TRUE(r.remediation.empty());
}

// Kernel 6.18 fdinfo of a FAN_CLASS_CONTENT group whose only mark asks for FAN_OPEN |
// FAN_CLOSE_WRITE, and of one with no mark at all: neither blocks now, both can.
TEST(FanotifyCheck, ContentGroupWithoutPermissionMarksCanBlockAndWarns) {
  World w;
  AddFakeProc(w.fs, {700,
                     "indexer",
                     "/usr/bin/indexer",
                     "indexer",
                     {{3,
                       "fanotify flags:15 event-flags:8000\n"
                       "fanotify mnt_id:1b mflags:0 mask:28 ignored_mask:0\n"}}});
  AddFakeProc(w.fs,
              {701, "idle", "/usr/bin/idle", "idle", {{4, "fanotify flags:5 event-flags:0\n"}}});
  const CheckResult r = w.Run();
  EXPECT_EQ(r.status, Status::kWarn) << r.summary;
  EXPECT_TRUE(Has(r.summary, "can start to at any time")) << r.summary;
  EXPECT_TRUE(Has(r.summary, "indexer (/usr/bin/indexer), pid 700")) << r.summary;
  EXPECT_TRUE(Has(r.summary, "idle (/usr/bin/idle), pid 701")) << r.summary;
  EXPECT_FALSE(Has(r.summary, "Notification-only")) << r.summary;
  for (const int pid : {700, 701}) {
    const nlohmann::json& user = *UserByPid(r, pid);
    EXPECT_EQ(user["blocking"], false);
    EXPECT_EQ(user["can_block"], true);
    EXPECT_EQ(user["blocking_unknown"], false);
    EXPECT_EQ(user["classification"], "notify");
    EXPECT_EQ(user["groups"][0]["class"], "content");
  }
  EXPECT_EQ((*UserByPid(r, 700))["marks"]["mount"], 1);
}

TEST(FanotifyCheck, MdesOwnDaemonIsMdeAlsoUnderACustomInstallPath) {
  World w;
  AddFakeProc(w.fs, kWdavdaemon);
  // mde_installer.sh --install-path leaves /opt/microsoft/mdatp as a symlink (reference §2.1).
  w.fs.AddLink("/opt/microsoft/mdatp", "/srv/mde");
  AddFakeProc(w.fs, {1001,
                     "wdavdaemon",
                     "/srv/mde/sbin/wdavdaemon (deleted)",
                     "wdavdaemon",
                     {{3, kContentPermFdinfo}}});
  const CheckResult r = w.Run();
  EXPECT_EQ(r.status, Status::kPass) << r.summary;
  EXPECT_EQ((*UserByPid(r, 1000))["classification"], "mde");
  EXPECT_EQ((*UserByPid(r, 1000))["blocking"], true);
  EXPECT_EQ((*UserByPid(r, 1001))["classification"], "mde");
  EXPECT_EQ((*UserByPid(r, 1001))["exe_deleted"], true);
  EXPECT_TRUE(Has(r.summary, "Defender for Endpoint's own daemon"));
}

TEST(FanotifyCheck, FapolicydPassesOnRhelAndFedora) {
  for (const char* os : {kRhel, "ID=fedora\nVERSION_ID=40\n"}) {
    World w;
    w.fs.AddFile("/etc/os-release", os);
    AddFakeProc(w.fs, kFapolicyd);
    const CheckResult r = w.Run();
    EXPECT_EQ(r.status, Status::kPass) << r.summary;
    EXPECT_TRUE(Has(r.summary, "mdatp health")) << r.summary;
    EXPECT_TRUE(Has(r.summary, "fapolicyd is running (pid 900, /usr/sbin/fapolicyd)")) << r.summary;
    EXPECT_EQ((*UserByPid(r, 900))["classification"], "allowed");
  }
}

TEST(FanotifyCheck, FapolicydWarnsOnRhelWhenMdeIsUnhealthy) {
  World w;
  w.fs.AddFile("/etc/os-release", kRhel);
  AddFakeProc(w.fs, kFapolicyd);
  MdeState unhealthy;
  unhealthy.installed = true;
  unhealthy.healthy = false;
  w.facts.mde.Get([&] { return unhealthy; });
  const CheckResult r = w.Run();
  EXPECT_EQ(r.status, Status::kWarn);
  EXPECT_TRUE(Has(r.summary, "reports unhealthy")) << r.summary;
  EXPECT_EQ(r.evidence["fapolicyd"]["mde_healthy"], false);
}

TEST(FanotifyCheck, HostileOsReleaseTextCannotBreakTheReport) {
  World w;
  w.fs.AddFile("/etc/os-release", "ID=\"ev\xffil\"\nPRETTY_NAME=\"bad \xff\xfe\x01 name\"\n");
  AddFakeProc(w.fs, kFapolicyd);
  const CheckResult r = w.Run();
  EXPECT_TRUE(Has(r.summary, "bad ??? name")) << r.summary;
  EXPECT_NO_THROW(
      (void)nlohmann::json({{"summary", r.summary}, {"evidence", r.evidence}, {"report", r.report}})
          .dump());
}

TEST(FanotifyCheck, FapolicydWarnsElsewhere) {
  const struct {
    const char* os;
    const char* expect;
  } cases[] = {
      {kUbuntu, "on Ubuntu 22.04.4 LTS."},
      {kRocky, "RHEL-compatible distribution"},
      {nullptr, "distribution is unknown"},
  };
  for (const auto& c : cases) {
    World w;
    if (c.os != nullptr) w.fs.AddFile("/etc/os-release", c.os);
    AddFakeProc(w.fs, kFapolicyd);
    const CheckResult r = w.Run();
    EXPECT_EQ(r.status, Status::kWarn) << r.summary;
    EXPECT_TRUE(Has(r.summary, c.expect)) << r.summary;
    EXPECT_TRUE(Has(r.summary, "only on RHEL and Fedora")) << r.summary;
    EXPECT_EQ((*UserByPid(r, 900))["classification"], "allowed");
  }
}

TEST(FanotifyCheck, ActiveConflictingServiceFailsLikeTheInstaller) {
  World w;
  w.services.SetState("cbsensor", ServiceState::kActive);
  w.services.SetState("ds_agent", ServiceState::kInactive);
  const CheckResult r = w.Run();
  EXPECT_EQ(r.status, Status::kFail);
  EXPECT_TRUE(Has(r.summary, "cbsensor (Carbon Black sensor)")) << r.summary;
  EXPECT_TRUE(Has(r.summary, "exit code 5 (CONFLICTING_APPS)"));
  EXPECT_FALSE(Has(r.summary, "ds_agent"));
  EXPECT_EQ(r.evidence["services"][0]["state"], "inactive");
}

TEST(FanotifyCheck, RunningProcessOfAConflictingServiceFails) {
  World w;
  w.services.SetAvailable(false);
  AddFakeProc(w.fs, {77, "ds_agent", "/opt/ds_agent/ds_agent", "ds_agent", {}});
  const CheckResult r = w.Run();
  EXPECT_EQ(r.status, Status::kFail);
  EXPECT_TRUE(Has(r.summary, "ds_agent (Trend Micro Deep Security Agent)")) << r.summary;
  EXPECT_TRUE(Has(r.summary, "pid 77"));
}

TEST(FanotifyCheck, UnitFileWithoutServiceManagerWarns) {
  World w;
  w.services.SetAvailable(false);
  w.fs.AddFile("/usr/lib/systemd/system/MFEcma.service", "[Service]\n");
  const CheckResult r = w.Run();
  EXPECT_EQ(r.status, Status::kWarn);
  EXPECT_TRUE(Has(r.summary, "MFEcma (McAfee Agent) is installed")) << r.summary;
  EXPECT_TRUE(Has(r.remediation, "systemctl status MFEcma"));
}

TEST(FanotifyCheck, VanishedProcessesAreNotAProblem) {
  World w;
  AddFakeProc(w.fs, kWatcher);
  AddFakeProc(w.fs, {300, "short-lived", "/x", "x", {{3, kContentPermFdinfo}}});
  FaultyFileSystem fs(w.fs);
  fs.Fail("/proc/300/fd", ErrorKind::kNotFound);
  const CheckResult r = FanotifyCheck().Run(MakeContext(w.Parts(fs, true)));
  EXPECT_EQ(r.status, Status::kPass) << r.summary;
  EXPECT_EQ(r.evidence["scan"]["vanished_processes"], 1);
  EXPECT_EQ(UserByPid(r, 300), nullptr);
}

TEST(FanotifyCheck, PermissionDeniedMakesItPartialButStillReports) {
  World w;
  AddFakeProc(w.fs, kWatcher);
  AddFakeProc(w.fs, {301, "hidden", "/x", "x", {{3, kContentPermFdinfo}}});
  FaultyFileSystem fs(w.fs);
  fs.Fail("/proc/301/fd", ErrorKind::kPermission);
  const CheckResult r = FanotifyCheck().Run(MakeContext(w.Parts(fs, true)));
  EXPECT_EQ(r.status, Status::kWarn);
  EXPECT_TRUE(Has(r.summary, "partial")) << r.summary;
  EXPECT_TRUE(Has(r.summary, "1 process could not be inspected even as root")) << r.summary;
  EXPECT_TRUE(Has(r.summary, "pid 301 hidden"));
  EXPECT_EQ(r.evidence["scan"]["denied"][0]["pid"], 301);
  EXPECT_NE(UserByPid(r, 1200), nullptr);
}

TEST(FanotifyCheck, NotRootWarnsAndMentionsHidepid) {
  World w;
  w.system.privileged = false;
  w.fs.AddFile("/proc/mounts", "proc /proc proc rw,nosuid,nodev,noexec,hidepid=invisible 0 0\n");
  const CheckResult r = w.Run();
  EXPECT_EQ(r.status, Status::kWarn);
  EXPECT_TRUE(Has(r.summary, "not running as root")) << r.summary;
  EXPECT_TRUE(Has(r.summary, "hidepid=invisible"));
  EXPECT_TRUE(Has(r.remediation, "as root"));
  EXPECT_EQ(r.evidence["privileged"], false);
}

TEST(FanotifyCheck, EmptyProcPasses) {
  World w;
  const CheckResult r = w.Run();
  EXPECT_EQ(r.status, Status::kPass);
  EXPECT_TRUE(Has(r.summary, "No program holds a fanotify group (1 process inspected)"))
      << r.summary;
  EXPECT_EQ(r.report["fanotify_users"], nlohmann::json::array());
}

TEST(FanotifyCheck, RootTreeWithoutProcSkipsUnlessAServiceIsInstalled) {
  FakeWorld w;
  w.fs.SetLive(false);
  w.fs.AddFile("/etc/os-release", kUbuntu);
  CheckResult r = FanotifyCheck().Run(w.Ctx(false));
  EXPECT_EQ(r.status, Status::kSkip);
  EXPECT_TRUE(Has(r.summary, "has no fake:/proc")) << r.summary;

  w.fs.AddFile("/etc/systemd/system/ds_agent.service", "[Service]\n");
  r = FanotifyCheck().Run(w.Ctx(false));
  EXPECT_EQ(r.status, Status::kWarn);
  EXPECT_TRUE(Has(r.summary, "ds_agent")) << r.summary;
}

TEST(FanotifyCheck, TruncatedFdinfoIsConflictWhenTheTailShowsPermissionMarks) {
  std::string fdinfo = "fanotify flags:0 event-flags:0\n";
  for (int i = 0; i < 80000; ++i) {
    fdinfo += "fanotify ino:" + std::to_string(i) + " sdev:801 mflags:0 mask:28 ignored_mask:0\n";
  }
  ASSERT_GT(fdinfo.size(), kMaxFdinfoBytes);
  {
    World w;
    AddFakeProc(w.fs, {500, "indexer", "/usr/bin/indexer", "indexer", {{3, fdinfo}}});
    const CheckResult r = w.Run();
    EXPECT_EQ(r.status, Status::kWarn);  // the tail shows no blocking sign, the class is lost
    EXPECT_TRUE(Has(r.summary, "could not be read in full")) << r.summary;
    EXPECT_EQ((*UserByPid(r, 500))["fdinfo_truncated"], true);
    EXPECT_EQ((*UserByPid(r, 500))["blocking_unknown"], true);
    EXPECT_EQ(r.evidence["scan"]["fdinfo_truncated"], 1);
  }
  {
    World w;
    AddFakeProc(w.fs, {501,
                       "scanner",
                       "/usr/bin/scanner",
                       "scanner",
                       {{3, fdinfo + "fanotify ino:1 sdev:801 mflags:0 mask:10000 "
                                     "ignored_mask:0\n"}}});
    const CheckResult r = w.Run();
    EXPECT_EQ(r.status, Status::kFail);
    EXPECT_EQ((*UserByPid(r, 501))["classification"], "conflict");
  }
}

TEST(FanotifyCheck, ManyConflictsAreListedBoundedAndEverythingIsInTheReport) {
  World w;
  for (int pid = 2000; pid < 2015; ++pid) {
    AddFakeProc(w.fs,
                {pid, "av" + std::to_string(pid), "/opt/av/av", "av", {{3, kContentPermFdinfo}}});
  }
  const CheckResult r = w.Run();
  EXPECT_EQ(r.status, Status::kFail);
  EXPECT_TRUE(Has(r.summary, "15 programs hold")) << r.summary;
  EXPECT_TRUE(Has(r.summary, "and 5 more"));
  EXPECT_EQ(r.report["fanotify_users"].size(), 15U);
}

}  // namespace
}  // namespace preflight::testing

namespace preflight::testing {
namespace {

// The same check over a real file tree (`--root`), read through the real LinuxFileSystem.
TEST(FanotifyCheckFixture, RhelHostTreeUnderRoot) {
  const FixtureTree tree("fanotify/rhel_host");
  ASSERT_TRUE(tree.Ok()) << tree.Error();
  const auto fs = MakeFileSystem(tree.Root());
  FakeWorld w;
  const Context ctx = MakeContext(w.Parts(*fs, /*live=*/false));
  const CheckResult r = FanotifyCheck().Run(ctx);

  EXPECT_EQ(r.status, Status::kFail);
  EXPECT_TRUE(Has(r.summary, "ClamAV on-access scanner (clamonacc), pid 812")) << r.summary;
  EXPECT_TRUE(Has(r.summary, "supported on Red Hat Enterprise Linux 9.4")) << r.summary;
  EXPECT_TRUE(Has(r.summary, "MFEcma (McAfee Agent) is installed")) << r.summary;
  EXPECT_EQ(r.evidence["live"], false);
  EXPECT_EQ(r.evidence["proc"], tree.Root() + "/proc");
  EXPECT_EQ(r.evidence["scan"]["processes_seen"], 5);
  EXPECT_EQ(r.evidence["scan"]["fanotify_fds"], 4);

  const auto classification = [&](int pid) {
    const nlohmann::json* user = UserByPid(r, pid);
    return user == nullptr ? std::string("missing") : (*user)["classification"].get<std::string>();
  };
  EXPECT_EQ(classification(812), "conflict");
  EXPECT_EQ(classification(900), "allowed");
  EXPECT_EQ(classification(1000), "mde");
  EXPECT_EQ(classification(1200), "notify");
  EXPECT_EQ(classification(1), "missing");
  const nlohmann::json& watcher = *UserByPid(r, 1200);
  EXPECT_EQ(watcher["cmdline"], "/usr/local/bin/watcher --token *** /srv");
  EXPECT_EQ(watcher["uid"], 1001);
  EXPECT_EQ(
      watcher["marks"],
      (nlohmann::json{
          {"inode", 1}, {"mount", 0}, {"filesystem", 0}, {"mount_namespace", 1}, {"other", 1}}));
  EXPECT_EQ(watcher["groups"][0]["other_marks"][0], "user_ns_id:7 mflags:0 mask:1 ignored_mask:0");
  EXPECT_EQ((*UserByPid(r, 812))["marks"]["mount"], 2);
}

// The policy over hand-made facts, no /proc: each row is one situation the check must judge.
TEST(JudgeFanotify, DecidesFromTheGatheredFacts) {
  FanotifyHolder holder;
  holder.pid = 42;
  holder.comm = "scanner";
  holder.exe = "/usr/bin/scanner";
  const auto held = [&](Classification classification, bool blocking_unknown = false) {
    ClassifiedHolder entry;
    entry.holder = &holder;
    entry.classification = classification;
    entry.blocking_unknown = blocking_unknown;
    return entry;
  };
  OsRelease rhel;
  rhel.found = true;
  rhel.id = "rhel";
  MdeState healthy;
  healthy.installed = true;
  healthy.healthy = true;
  struct Row {
    const char* what;
    std::function<void(FanotifyFacts&)> set;
    Status status;
    const char* summary_part;
  };
  const Row rows[] = {
      {"nobody", [](FanotifyFacts&) {}, Status::kPass, "No program holds a fanotify group"},
      {"a conflict", [&](FanotifyFacts& f) { f.holders = {held(Classification::kConflict)}; },
       Status::kFail, "1 program holds a fanotify group that blocks file access"},
      {"MDE only", [&](FanotifyFacts& f) { f.holders = {held(Classification::kMde)}; },
       Status::kPass, "Defender for Endpoint's own daemon"},
      {"notify only", [&](FanotifyFacts& f) { f.holders = {held(Classification::kNotify)}; },
       Status::kPass, "Notification-only fanotify users"},
      {"content class, no permission marks yet",
       [&](FanotifyFacts& f) {
         f.holders = {held(Classification::kNotify)};
         f.holders[0].can_block = true;
       },
       Status::kWarn, "does not block file access now"},
      {"blocking unknown",
       [&](FanotifyFacts& f) { f.holders = {held(Classification::kNotify, true)}; }, Status::kWarn,
       "unknown, because their fdinfo could not be read in full"},
      {"fapolicyd on RHEL, MDE healthy",
       [&](FanotifyFacts& f) {
         f.holders = {held(Classification::kAllowed)};
         f.os = &rhel;
         f.mde = &healthy;
       },
       Status::kPass, "which is supported on rhel"},
      {"not root",
       [](FanotifyFacts& f) {
         f.live = true;
         f.privileged = false;
         f.hidepid = "invisible";
       },
       Status::kWarn, "not running as root; /proc is mounted with hidepid=invisible"},
      {"catalog broken", [](FanotifyFacts& f) { f.catalog_error = "schema must be 1"; },
       Status::kWarn, "catalog did not load (schema must be 1)"},
      {"tree without /proc",
       [](FanotifyFacts& f) {
         f.scan.proc_listed = false;
         f.scan.proc_error = MakeError(ErrorKind::kNotFound, "no such directory");
       },
       Status::kSkip, "The inspected tree has no /proc"},
      {"tree with an empty /proc (an image's mount point)",
       [](FanotifyFacts& f) { f.scan.stats.processes_seen = 0; }, Status::kSkip,
       "/proc holds no process, so running fanotify users cannot be listed: running processes "
       "are not a property of an image"},
      {"live /proc unreadable",
       [](FanotifyFacts& f) {
         f.live = true;
         f.scan.proc_listed = false;
         f.scan.proc_error = MakeError(ErrorKind::kPermission, "denied");
       },
       Status::kWarn, "Cannot list /proc (denied)"},
  };
  for (const Row& row : rows) {
    FanotifyFacts facts;
    facts.proc = "/proc";
    facts.scan.proc_listed = true;
    facts.scan.stats.processes_seen = 1;  // a /proc copy with a process in it
    row.set(facts);
    const CheckResult r = JudgeFanotify(facts);
    EXPECT_EQ(r.status, row.status) << row.what << ": " << r.summary;
    EXPECT_TRUE(Has(r.summary, row.summary_part)) << row.what << ": " << r.summary;
  }
}

}  // namespace
}  // namespace preflight::testing

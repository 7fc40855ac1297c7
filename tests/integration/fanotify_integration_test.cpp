// linux.fanotify against the live kernel: real processes holding real fanotify groups, scanned
// through the real /proc with the real platform implementations. CI runs these as root.

#include <stdlib.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "platform/environment.h"
#include "platform/fanotify_group_source.h"
#include "platform/file_system.h"
#include "platform/process_runner.h"
#include "platform/registry.h"
#include "platform/service_manager.h"
#include "platform/system_info.h"
#include "probes/linux/fanotify/fanotify_check.h"
#include "probes/linux/fanotify/fanotify_scan.h"
#include "tests/integration/holder_process.h"

namespace preflight::testing {
namespace {

using std::chrono::milliseconds;
constexpr milliseconds kReadyTimeout{10000};

// The real platform, as the agent builds it for the live machine.
struct LiveHost {
  std::unique_ptr<FileSystem> fs = MakeFileSystem("/");
  std::unique_ptr<ProcessRunner> runner = MakeProcessRunner();
  std::unique_ptr<Environment> env = MakeEnvironment();
  std::unique_ptr<ServiceManager> services = MakeServiceManager(*runner);
  std::unique_ptr<SystemInfo> system = MakeSystemInfo();
  std::unique_ptr<Registry> registry = MakeRegistry();

  CheckResult RunCheck(const Check& check = FanotifyCheck()) {
    HostFacts facts;
    ContextParts parts;
    parts.fs = fs.get();
    parts.processes = runner.get();
    parts.env = env.get();
    parts.services = services.get();
    parts.system = system.get();
    parts.registry = registry.get();
    parts.facts = &facts;
    parts.offline = true;
    parts.deadline = SystemClock().SteadyNow() + std::chrono::minutes(2);
    return check.Run(MakeContext(parts));
  }
};

// A private temporary directory, removed afterwards.
class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "preflight-fanotify-XXXXXX").string();
    if (mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  std::string File(const std::string& name) const {
    std::string path = path_ + "/" + name;
    std::ofstream(path) << "x\n";
    return path;
  }
  const std::string& Path() const { return path_; }

 private:
  std::string path_;
};

std::unique_ptr<HolderProcess> StartHolder(std::vector<std::string> args) {
  args.insert(args.begin(), FanotifyHolderPath());
  std::string error;
  auto holder = HolderProcess::Start(args, kReadyTimeout, &error);
  EXPECT_NE(holder, nullptr) << error;
  return holder;
}

const nlohmann::json* UserByPid(const CheckResult& r, pid_t pid) {
  if (!r.report.contains("fanotify_users")) return nullptr;
  for (const auto& user : r.report["fanotify_users"]) {
    if (user["pid"] == pid) return &user;
  }
  return nullptr;
}

// Conflicts the machine already had, or that other tests started, are not ours to judge.
bool OnlyConflictsAre(const CheckResult& r, const std::set<pid_t>& pids) {
  for (const auto& user : r.report["fanotify_users"]) {
    if (user["classification"] == "conflict" && pids.count(user["pid"].get<pid_t>()) == 0) {
      return false;
    }
  }
  return true;
}

#define SKIP_WITHOUT_FANOTIFY(content_class)                             \
  do {                                                                   \
    const std::string reason = FanotifyUnavailableReason(content_class); \
    if (!reason.empty()) GTEST_SKIP() << reason;                         \
  } while (false)

TEST(FanotifyLive, ContentGroupWithPermissionMarkIsAConflictAndFails) {
  SKIP_WITHOUT_FANOTIFY(true);
  const TempDir dir;
  auto holder = StartHolder(
      {"--class", "content", "--mark", "inode:" + dir.File("guarded"), "--mask", "perm"});
  ASSERT_NE(holder, nullptr);
  LiveHost host;
  const CheckResult r = host.RunCheck();
  const nlohmann::json* user = UserByPid(r, holder->Pid());
  ASSERT_NE(user, nullptr) << r.report.dump(2);
  EXPECT_EQ((*user)["blocking"], true);
  EXPECT_EQ((*user)["classification"], "conflict");
  EXPECT_EQ((*user)["comm"], "fanotify_holder");
  EXPECT_EQ((*user)["exe"], std::filesystem::canonical(FanotifyHolderPath()).string());
  EXPECT_EQ((*user)["marks"]["inode"], 1);
  EXPECT_EQ((*user)["permission_events"], nlohmann::json::array({"FAN_OPEN_PERM"}));
  EXPECT_EQ((*user)["groups"][0]["class"], "content");
  EXPECT_EQ((*user)["can_block"], true);
  EXPECT_EQ(r.status, Status::kFail);
  EXPECT_NE(r.summary.find("pid " + std::to_string(holder->Pid())), std::string::npos) << r.summary;
  // The holder answers its permission events, so opening the guarded file still works.
  EXPECT_TRUE(std::ifstream(dir.Path() + "/guarded").good());
}

TEST(FanotifyLive, NotifyOnlyHolderIsReportedWithoutFailing) {
  SKIP_WITHOUT_FANOTIFY(false);
  const TempDir dir;
  auto holder = StartHolder({"--class", "notify", "--mark", "mount", "--mark", "filesystem",
                             "--mark", "inode:" + dir.File("watched"), "--path", dir.Path()});
  ASSERT_NE(holder, nullptr);
  LiveHost host;
  const CheckResult r = host.RunCheck();
  const nlohmann::json* user = UserByPid(r, holder->Pid());
  ASSERT_NE(user, nullptr) << r.report.dump(2);
  EXPECT_EQ((*user)["classification"], "notify");
  EXPECT_EQ((*user)["blocking"], false);
  EXPECT_EQ((*user)["marks"]["mount"], 1);
  EXPECT_EQ((*user)["marks"]["filesystem"], 1);
  EXPECT_EQ((*user)["marks"]["inode"], 1);
  EXPECT_EQ((*user)["groups"][0]["class"], "notify");
  EXPECT_EQ((*user)["can_block"], false);
  if (OnlyConflictsAre(r, {})) {
    EXPECT_NE(r.status, Status::kFail) << r.summary;
  }
  EXPECT_NE(r.summary.find("Notification-only"), std::string::npos) << r.summary;
}

// `blocking` is what the marks do now; `can_block` is what the group's class allows. A content
// group whose marks ask only for notification events does not block (yet) and is a warning.
TEST(FanotifyLive, ContentGroupWithNotifyMarksCanBlockButDoesNotBlock) {
  SKIP_WITHOUT_FANOTIFY(true);
  const TempDir dir;
  auto notify_marks = StartHolder(
      {"--class", "content", "--mark", "inode:" + dir.File("watched"), "--mask", "notify"});
  auto no_marks = StartHolder({"--class", "content", "--mark", "none"});
  ASSERT_NE(notify_marks, nullptr);
  ASSERT_NE(no_marks, nullptr);
  LiveHost host;
  const CheckResult r = host.RunCheck();
  for (const pid_t pid : {notify_marks->Pid(), no_marks->Pid()}) {
    SCOPED_TRACE(pid);
    const nlohmann::json* user = UserByPid(r, pid);
    ASSERT_NE(user, nullptr) << r.report.dump(2);
    EXPECT_EQ((*user)["blocking"], false);
    EXPECT_EQ((*user)["can_block"], true);
    EXPECT_EQ((*user)["classification"], "notify");
    EXPECT_EQ((*user)["permission_events"], nlohmann::json::array());
    EXPECT_EQ((*user)["groups"][0]["class"], "content");
    EXPECT_EQ((*user)["groups"][0]["blocking"], false);
    EXPECT_EQ((*user)["groups"][0]["can_block"], true);
    EXPECT_NE(r.summary.find("pid " + std::to_string(pid)), std::string::npos) << r.summary;
  }
  EXPECT_EQ((*UserByPid(r, notify_marks->Pid()))["marks"]["inode"], 1);
  EXPECT_NE(r.summary.find("can start to at any time"), std::string::npos) << r.summary;
  if (OnlyConflictsAre(r, {})) {
    EXPECT_EQ(r.status, Status::kWarn) << r.summary;
  }
}

// The in-kernel iterator and the /proc walk see the same holders, groups, classes and marks.
TEST(FanotifyLive, InKernelAndProcScansReportTheSameHoldersMarksAndClasses) {
  SKIP_WITHOUT_FANOTIFY(true);
  const TempDir dir;
  std::vector<std::unique_ptr<HolderProcess>> holders;
  holders.push_back(StartHolder({"--class", "notify", "--mark", "mount", "--path", dir.Path()}));
  holders.push_back(StartHolder(
      {"--class", "content", "--mark", "inode:" + dir.File("guarded"), "--mask", "perm"}));
  holders.push_back(StartHolder({"--class", "content", "--mark", "none"}));
  holders.push_back(
      StartHolder({"--class", "notify", "--mark", "filesystem", "--path", dir.Path()}));
  for (const auto& holder : holders) ASSERT_NE(holder, nullptr);
  LiveHost host;
  const CheckResult in_kernel = host.RunCheck(FanotifyCheck(MakeFanotifyGroupSource()));
  const std::string reason = in_kernel.evidence["scan_path_reason"];
  if (reason.find("this build has no BPF iterator") != std::string::npos) GTEST_SKIP() << reason;
  ASSERT_EQ(in_kernel.evidence["scan_path"], "bpf") << reason;
  const CheckResult proc = host.RunCheck();
  ASSERT_EQ(proc.evidence["scan_path"], "proc");
  const std::vector<std::string> classes = {"notify", "content", "content", "notify"};
  const std::vector<std::string> kinds = {"mount", "inode", "", "filesystem"};
  for (std::size_t i = 0; i < holders.size(); ++i) {
    SCOPED_TRACE(i);
    const nlohmann::json* a = UserByPid(in_kernel, holders[i]->Pid());
    const nlohmann::json* b = UserByPid(proc, holders[i]->Pid());
    ASSERT_NE(a, nullptr) << in_kernel.report.dump(2);
    ASSERT_NE(b, nullptr) << proc.report.dump(2);
    EXPECT_EQ(*a, *b);  // every field: identity, flags, class, marks, permission events
    EXPECT_EQ((*a)["groups"][0]["class"], classes[i]);
    EXPECT_EQ((*a)["marks"][kinds[i].empty() ? "inode" : kinds[i]], kinds[i].empty() ? 0 : 1);
  }
  EXPECT_EQ((*UserByPid(in_kernel, holders[1]->Pid()))["blocking"], true);
  EXPECT_EQ((*UserByPid(in_kernel, holders[2]->Pid()))["can_block"], true);
  EXPECT_EQ((*UserByPid(in_kernel, holders[2]->Pid()))["blocking"], false);
}

TEST(FanotifyLive, WdavdaemonInAPrivateMountNamespaceIsMde) {
  SKIP_WITHOUT_FANOTIFY(true);
  if (access("/usr/bin/unshare", X_OK) != 0) GTEST_SKIP() << "no /usr/bin/unshare";
  const auto host_opt = [] {
    std::set<std::string> names;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator("/opt", ec)) {
      names.insert(e.path().filename().string());
    }
    return names;
  };
  const std::set<std::string> opt_before = host_opt();
  const bool mde_before = std::filesystem::exists("/opt/microsoft/mdatp/sbin/wdavdaemon");
  {
    // Everything below /opt is a tmpfs that exists only in the holder's own mount namespace.
    const std::string script =
        "mount -t tmpfs tmpfs /opt && mkdir -p /opt/microsoft/mdatp/sbin && "
        "cp \"$0\" /opt/microsoft/mdatp/sbin/wdavdaemon && : > /opt/microsoft/mdatp/guarded && "
        "exec /opt/microsoft/mdatp/sbin/wdavdaemon --class content "
        "--mark inode:/opt/microsoft/mdatp/guarded --mask perm";
    std::string error;
    auto holder = HolderProcess::Start({"/usr/bin/unshare", "--mount", "--propagation", "private",
                                        "/bin/sh", "-c", script, FanotifyHolderPath()},
                                       kReadyTimeout, &error);
    if (holder == nullptr && error.find("unshare failed") != std::string::npos) {
      GTEST_SKIP() << "mount namespaces are not available: " << error;
    }
    ASSERT_NE(holder, nullptr) << error;
    LiveHost host;
    const CheckResult r = host.RunCheck();
    const nlohmann::json* user = UserByPid(r, holder->Pid());
    ASSERT_NE(user, nullptr) << r.report.dump(2);
    EXPECT_EQ((*user)["comm"], "wdavdaemon");
    EXPECT_EQ((*user)["exe"], "/opt/microsoft/mdatp/sbin/wdavdaemon");
    EXPECT_EQ((*user)["blocking"], true);
    EXPECT_EQ((*user)["classification"], "mde");
    EXPECT_EQ((*user)["product"], "Microsoft Defender for Endpoint");
    if (OnlyConflictsAre(r, {})) {
      EXPECT_NE(r.status, Status::kFail) << r.summary;
    }
  }
  EXPECT_EQ(host_opt(), opt_before);
  EXPECT_EQ(std::filesystem::exists("/opt/microsoft/mdatp/sbin/wdavdaemon"), mde_before);
  EXPECT_FALSE(std::filesystem::exists("/opt/microsoft/mdatp/guarded"));
}

TEST(FanotifyLive, HolderNamedFapolicydIsAllowed) {
  SKIP_WITHOUT_FANOTIFY(true);
  const TempDir dir;
  const std::string link = dir.Path() + "/fapolicyd";
  std::filesystem::create_symlink(FanotifyHolderPath(), link);
  std::string error;
  // Executed through the symlink, the process's comm is "fapolicyd" (fs/exec.c sets it from the
  // file name it was started by).
  auto holder = HolderProcess::Start(
      {link, "--class", "content", "--mark", "inode:" + dir.File("guarded"), "--mask", "perm"},
      kReadyTimeout, &error);
  ASSERT_NE(holder, nullptr) << error;
  LiveHost host;
  const CheckResult r = host.RunCheck();
  const nlohmann::json* user = UserByPid(r, holder->Pid());
  ASSERT_NE(user, nullptr) << r.report.dump(2);
  EXPECT_EQ((*user)["comm"], "fapolicyd");
  EXPECT_EQ((*user)["blocking"], true);
  EXPECT_EQ((*user)["classification"], "allowed");
  EXPECT_NE(r.summary.find("fapolicyd is running"), std::string::npos) << r.summary;
  if (OnlyConflictsAre(r, {})) {
    EXPECT_NE(r.status, Status::kFail) << r.summary;
  }
}

TEST(FanotifyLive, ProcessesExitingDuringTheScanAreNeverErrors) {
  SKIP_WITHOUT_FANOTIFY(true);
  const TempDir dir;
  const std::string guarded = dir.File("guarded");
  std::atomic<bool> stop{false};
  std::atomic<bool> done{false};
  std::atomic<int> started{0};
  // Short-lived holders, some exiting by themselves and some killed, for at most ~2 s.
  std::thread churn([&] {
    std::mt19937 random(12345);
    std::vector<std::unique_ptr<HolderProcess>> alive;
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while (!stop && std::chrono::steady_clock::now() < until && started < 150) {
      const bool perm = random() % 2 == 0;
      std::vector<std::string> args = {
          FanotifyHolderPath(),         "--class", perm ? "content" : "notify", "--mark",
          "inode:" + guarded,           "--mask",  perm ? "perm" : "notify",    "--exit-after-ms",
          std::to_string(random() % 40)};
      std::string error;
      if (auto holder = HolderProcess::Start(args, kReadyTimeout, &error)) {
        ++started;
        alive.push_back(std::move(holder));
      }
      if (alive.size() > 6) alive.erase(alive.begin() + static_cast<long>(random() % alive.size()));
    }
    done = true;
  });
  LiveHost host;
  std::size_t runs = 0;
  std::size_t vanished = 0;
  // Scan while the churn runs (at least 3 times, at most 25).
  for (; runs < 25 && (runs < 3 || !done); ++runs) {
    FanotifyScanOptions options;
    const FanotifyScan scan = ScanFanotifyHolders(*host.fs, options);
    ASSERT_TRUE(scan.proc_listed);
    EXPECT_EQ(scan.stats.other_errors, 0U)
        << (scan.stats.error_samples.empty() ? std::string() : scan.stats.error_samples.front());
    vanished += scan.stats.vanished_processes + scan.stats.vanished_fds;
    const CheckResult r = host.RunCheck();
    EXPECT_NE(r.status, Status::kSkip) << r.summary;
    EXPECT_EQ(r.evidence["scan"]["other_errors"], 0) << r.evidence.dump();
    for (const auto& user : r.report["fanotify_users"]) {
      EXPECT_TRUE(user["pid"].is_number());
      EXPECT_TRUE(user["classification"].is_string());
    }
  }
  stop = true;
  churn.join();
  EXPECT_GT(started.load(), 0);
  RecordProperty("holders_started", started.load());
  RecordProperty("vanished_seen", static_cast<int>(vanished));
  RecordProperty("scan_runs", static_cast<int>(runs));
}

}  // namespace
}  // namespace preflight::testing

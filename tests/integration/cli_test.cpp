#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>

#include <gtest/gtest.h>

#include "tests/integration/agent_cli.h"
#include "tests/integration/holder_process.h"

namespace preflight::testing {
namespace {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    char templ[] = "/tmp/mde-preflight-cli-XXXXXX";
    path_ = ::mkdtemp(templ);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

void WriteFile(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

TEST(Cli, LiveJsonReportValidatesAgainstTheSchemaWithEveryCoreField) {
  const AgentRun run = RunAgent({"check", "--format", "json", "--offline"});
  ASSERT_TRUE(run.exit_code == 0 || run.exit_code == 1) << run.exit_code << " " << run.err;
  ASSERT_FALSE(run.report.is_discarded()) << run.out;
  EXPECT_EQ(SchemaViolations(run.report), "");
  for (const char* field :
       {"schema_version", "agent", "generated_at", "duration_ms", "host", "verdict", "checks",
        "environment", "mde", "fanotify_users", "extensions", "cloud", "connectivity"}) {
    EXPECT_TRUE(run.report.contains(field)) << field;
  }
  EXPECT_EQ(run.report["host"]["os"]["family"], "linux");
  // The exit code follows the checks: 1 exactly when one failed.
  bool failed = false;
  for (const auto& check : run.report["checks"]) failed |= check["status"] == "fail";
  EXPECT_EQ(run.exit_code, failed ? 1 : 0);
}

TEST(Cli, SchemaRejectsABrokenReport) {
  const AgentRun run = RunAgent({"check", "--format", "json", "--offline"});
  ASSERT_FALSE(run.report.is_discarded());
  nlohmann::json broken = run.report;
  broken.erase("verdict");
  EXPECT_NE(SchemaViolations(broken), "");
  broken = run.report;
  broken["mde"]["installed"] = "yes";
  EXPECT_NE(SchemaViolations(broken), "");
}

TEST(Cli, UsageErrorsExitTwoWithAMessage) {
  const std::vector<std::vector<std::string>> cases = {
      {"check", "--ignore", "all,linux.os"},
      {"check", "--ignore", "no.such.check"},
      {"check", "--only", "no.such.check"},
      {"check", "--format", "xml"},
      {"check", "--root", "/nonexistent/tree"},
      {"check", "--timeout", "-1"},
      {"frobnicate"},
      {"service", "--format", "json"},
  };
  for (const auto& args : cases) {
    const AgentRun run = RunAgent(args);
    EXPECT_EQ(run.exit_code, 2) << ::testing::PrintToString(args);
    EXPECT_NE(run.err.find("mde-preflight:"), std::string::npos) << run.err;
    EXPECT_TRUE(run.out.empty()) << run.out;
  }
}

TEST(Cli, ConfigFileUnknownKeyIsAnErrorAndFlagsBeatTheFile) {
  TempDir dir;
  const std::string bad = dir.path() + "/bad.json";
  WriteFile(bad, R"({"format":"json","colour":true})");
  const AgentRun refused = RunAgent({"check", "--config", bad});
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("unknown config key 'colour'"), std::string::npos) << refused.err;

  const std::string good = dir.path() + "/good.json";
  WriteFile(good, R"({"format":"json","offline":true})");
  const AgentRun from_file = RunAgent({"check", "--config", good});
  EXPECT_FALSE(from_file.report.is_discarded()) << "the file's format should apply";
  const AgentRun from_flag = RunAgent({"check", "--config", good, "--format", "text"});
  EXPECT_TRUE(from_flag.report.is_discarded());
  EXPECT_NE(from_flag.out.find("Verdict:"), std::string::npos);
  const AgentRun from_env = RunAgent({"check"}, {"MDE_PREFLIGHT_CONFIG=" + good});
  EXPECT_FALSE(from_env.report.is_discarded()) << "MDE_PREFLIGHT_CONFIG should name the file";
}

TEST(Cli, OutputFileIsWrittenWholeAndNothingElseIsLeft) {
  TempDir dir;
  const std::string out = dir.path() + "/report.json";
  WriteFile(out, "old content");
  const AgentRun run = RunAgent({"check", "--format", "json", "--offline", "--output", out});
  ASSERT_TRUE(run.exit_code == 0 || run.exit_code == 1) << run.err;
  EXPECT_TRUE(run.out.empty());
  std::ifstream file(out);
  const nlohmann::json report = nlohmann::json::parse(file, nullptr, false);
  ASSERT_FALSE(report.is_discarded());
  EXPECT_EQ(report["schema_version"], 1);
  int entries = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(dir.path())) ++entries;
  EXPECT_EQ(entries, 1) << "a temporary file was left behind";
  struct stat st {};
  ASSERT_EQ(::stat(out.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644U);
}

TEST(Cli, TextIsPlainWithoutATerminalAndHelpAndVersionWork) {
  const AgentRun text = RunAgent({"check", "--offline"});
  EXPECT_EQ(text.out.find('\033'), std::string::npos) << "colour written to a pipe";
  EXPECT_NE(text.out.find("Verdict:"), std::string::npos);
  const AgentRun help = RunAgent({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("--ignore"), std::string::npos);
  const AgentRun version = RunAgent({"version"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_EQ(version.out.rfind("mde-preflight ", 0), 0U);
}

// `checks` lists every platform's checks; an id of the other platform's is accepted by --only
// and --ignore (one ignore list for a mixed fleet) and runs nothing here.
TEST(Cli, ChecksListsEveryPlatformAndOtherPlatformsIdsAreAccepted) {
  const AgentRun list = RunAgent({"checks", "--format", "json"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  ASSERT_FALSE(list.report.is_discarded()) << list.out;
  EXPECT_EQ(list.report["platform"], "linux");
  std::map<std::string, bool> runs_here;
  for (const auto& check : list.report["checks"]) runs_here[check["id"]] = check["runs_here"];
  EXPECT_EQ(runs_here.at("linux.fanotify"), true);
  EXPECT_EQ(runs_here.at("windows.minifilters"), false);
  EXPECT_EQ(runs_here.at("mde.install"), true);
  const AgentRun text = RunAgent({"checks"});
  EXPECT_EQ(text.exit_code, 0);
  EXPECT_NE(text.out.find("* linux.fanotify"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("  windows.minifilters"), std::string::npos) << text.out;

  const AgentRun other =
      RunAgent({"check", "--format", "json", "--offline", "--only", "windows.minifilters,linux.os",
                "--ignore", "windows.defender_av"});
  ASSERT_FALSE(other.report.is_discarded()) << other.err;
  ASSERT_EQ(other.report["checks"].size(), 1U);
  EXPECT_EQ(other.report["checks"][0]["id"], "linux.os");
  const AgentRun typo = RunAgent({"check", "--ignore", "windows.minifilter"});
  EXPECT_EQ(typo.exit_code, 2);
  EXPECT_NE(typo.err.find("--ignore: unknown check id 'windows.minifilter'"), std::string::npos)
      << typo.err;
}

TEST(Cli, ServiceWritesAReportAndStopsOnSigterm) {
  TempDir dir;
  const std::string config = dir.path() + "/config.json";
  const std::string report = dir.path() + "/report.json";
  WriteFile(config, R"({"interval_minutes":5,"report_path":")" + report + R"(","offline":true})");
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::execl(PREFLIGHT_BINARY, PREFLIGHT_BINARY, "service", "--config", config.c_str(),
            static_cast<char*>(nullptr));
    ::_exit(127);
  }
  // The first report is written right away; wait for it (bounded), then stop the service.
  for (int i = 0; i < 300 && !fs::exists(report); ++i) ::usleep(100 * 1000);
  EXPECT_TRUE(fs::exists(report));
  ::kill(child, SIGTERM);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  std::ifstream file(report);
  const nlohmann::json parsed = nlohmann::json::parse(file, nullptr, false);
  ASSERT_FALSE(parsed.is_discarded());
  EXPECT_EQ(SchemaViolations(parsed), "");
}

}  // namespace
}  // namespace preflight::testing

namespace preflight::testing {
namespace {

const nlohmann::json* FindUser(const nlohmann::json& report, pid_t pid) {
  for (const auto& user : report["fanotify_users"]) {
    if (user["pid"] == pid) return &user;
  }
  return nullptr;
}

const nlohmann::json* FindCheck(const nlohmann::json& report, const std::string& id) {
  for (const auto& check : report["checks"]) {
    if (check["id"] == id) return &check;
  }
  return nullptr;
}

// Must-show of the agent core: a real blocking fanotify holder makes the whole agent fail with
// exit code 1 and verdict blocked; --ignore turns that into a warning without hiding it.
// The Windows verbs point a Linux admin to systemd and the packages instead.
TEST(Cli, ServiceInstallAndUninstallPointToSystemdOnLinux) {
  for (const char* verb : {"install", "uninstall"}) {
    const AgentRun run = RunAgent({"service", verb});
    EXPECT_EQ(run.exit_code, 2) << verb;
    EXPECT_NE(run.err.find("systemctl"), std::string::npos) << run.err;
    EXPECT_NE(run.err.find("mde-preflight.service"), std::string::npos) << run.err;
  }
}

// A content-class holder with a FAN_OPEN_PERM mark on a file in `dir`: a blocking holder.
std::unique_ptr<HolderProcess> StartPermissionHolder(const TempDir& dir) {
  const std::string watched = dir.path() + "/watched";
  WriteFile(watched, "x");
  std::string error;
  auto holder = HolderProcess::Start(
      {FanotifyHolderPath(), "--class", "content", "--mark", "inode:" + watched, "--mask", "perm"},
      std::chrono::seconds(10), &error);
  EXPECT_NE(holder, nullptr) << error;
  return holder;
}

TEST(CliFanotify, BlockingHolderIsAConflictAndIgnoreDowngradesIt) {
  if (const std::string reason = FanotifyUnavailableReason(/*content_class=*/true);
      !reason.empty()) {
    GTEST_SKIP() << reason;
  }
  TempDir dir;
  auto holder = StartPermissionHolder(dir);
  ASSERT_NE(holder, nullptr);

  const AgentRun failed = RunAgent({"check", "--format", "json", "--only", "linux.fanotify"});
  EXPECT_EQ(failed.exit_code, 1) << failed.err;
  ASSERT_FALSE(failed.report.is_discarded()) << failed.out;
  EXPECT_EQ(SchemaViolations(failed.report), "");
  EXPECT_EQ(failed.report["verdict"], "blocked");
  const nlohmann::json* user = FindUser(failed.report, holder->Pid());
  ASSERT_NE(user, nullptr) << failed.report["fanotify_users"].dump();
  EXPECT_EQ((*user)["blocking"], true);
  EXPECT_EQ((*user)["classification"], "conflict");
  const nlohmann::json* check = FindCheck(failed.report, "linux.fanotify");
  ASSERT_NE(check, nullptr);
  EXPECT_EQ((*check)["status"], "fail");
  EXPECT_NE((*check)["summary"].get<std::string>().find(std::to_string(holder->Pid())),
            std::string::npos)
      << (*check)["summary"];

  const AgentRun ignored = RunAgent(
      {"check", "--format", "json", "--only", "linux.fanotify", "--ignore", "Linux.Fanotify"});
  EXPECT_EQ(ignored.exit_code, 0) << ignored.err;
  ASSERT_FALSE(ignored.report.is_discarded());
  const nlohmann::json* still = FindCheck(ignored.report, "linux.fanotify");
  ASSERT_NE(still, nullptr);
  EXPECT_EQ((*still)["status"], "warn");
  EXPECT_EQ((*still)["ignored"], true);
  EXPECT_NE(FindUser(ignored.report, holder->Pid()), nullptr) << "the finding must stay visible";
  EXPECT_EQ(ignored.report["verdict"], "ready");

  const AgentRun text =
      RunAgent({"check", "--only", "linux.fanotify", "--ignore", "linux.fanotify"});
  EXPECT_EQ(text.exit_code, 0);
  EXPECT_NE(text.out.find("failure ignored by --ignore"), std::string::npos) << text.out;

  const AgentRun refused = RunAgent({"check", "--ignore", "all,linux.os"});
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("'all' may only stand alone"), std::string::npos) << refused.err;
}

// The in-kernel scan needs CAP_BPF and CAP_PERFMON (or CAP_SYS_ADMIN) to load; without them the
// agent walks /proc instead and says why, and finds the same holder.
TEST(CliFanotify, WithoutBpfPrivilegeTheProcScanRunsAndTheReportSaysWhy) {
  if (const std::string reason = FanotifyUnavailableReason(/*content_class=*/true);
      !reason.empty()) {
    GTEST_SKIP() << reason;
  }
  if (access("/usr/bin/setpriv", X_OK) != 0) GTEST_SKIP() << "no /usr/bin/setpriv";
  TempDir dir;
  auto holder = StartPermissionHolder(dir);
  ASSERT_NE(holder, nullptr);
  const std::vector<std::string> args = {"check", "--format", "json", "--only", "linux.fanotify"};
  const auto path_of = [](const AgentRun& run) {
    const nlohmann::json* check = FindCheck(run.report, "linux.fanotify");
    return check == nullptr ? nlohmann::json() : (*check)["evidence"];
  };

  const AgentRun unprivileged = RunAgent(args, {},
                                         {"/usr/bin/setpriv", "--inh-caps=-bpf,-perfmon,-sys_admin",
                                          "--bounding-set=-bpf,-perfmon,-sys_admin", "--"});
  ASSERT_FALSE(unprivileged.report.is_discarded()) << unprivileged.out << unprivileged.err;
  EXPECT_EQ(SchemaViolations(unprivileged.report), "");
  const nlohmann::json evidence = path_of(unprivileged);
  EXPECT_EQ(evidence["scan_path"], "proc") << evidence.dump();
  EXPECT_NE(evidence["scan_path_reason"].get<std::string>().find("unavailable"), std::string::npos)
      << evidence["scan_path_reason"];
  const nlohmann::json* user = FindUser(unprivileged.report, holder->Pid());
  ASSERT_NE(user, nullptr) << unprivileged.report["fanotify_users"].dump();
  EXPECT_EQ((*user)["blocking"], true);

  const AgentRun forced = RunAgent(args, {"MDE_PREFLIGHT_FANOTIFY_SCAN=proc"});
  EXPECT_EQ(path_of(forced)["scan_path"], "proc");
  EXPECT_EQ(path_of(forced)["scan_path_reason"], "MDE_PREFLIGHT_FANOTIFY_SCAN=proc");
  EXPECT_NE(FindUser(forced.report, holder->Pid()), nullptr);

  const AgentRun automatic = RunAgent(args);
  const std::string reason = path_of(automatic)["scan_path_reason"].get<std::string>();
  if (reason.find("this build has no BPF iterator") != std::string::npos) {
    GTEST_SKIP() << reason;
  }
  EXPECT_EQ(path_of(automatic)["scan_path"], "bpf") << reason;
  EXPECT_NE(FindUser(automatic.report, holder->Pid()), nullptr);
}

TEST(CliFanotify, NotifyOnlyHolderIsReportedAndDoesNotFail) {
  if (const std::string reason = FanotifyUnavailableReason(/*content_class=*/false);
      !reason.empty()) {
    GTEST_SKIP() << reason;
  }
  TempDir dir;
  std::string error;
  auto holder = HolderProcess::Start({FanotifyHolderPath(), "--class", "notify", "--mark",
                                      "inode:" + dir.path(), "--mask", "notify"},
                                     std::chrono::seconds(10), &error);
  ASSERT_NE(holder, nullptr) << error;
  const AgentRun run = RunAgent({"check", "--format", "json", "--only", "linux.fanotify"});
  ASSERT_FALSE(run.report.is_discarded()) << run.out;
  const nlohmann::json* user = FindUser(run.report, holder->Pid());
  ASSERT_NE(user, nullptr);
  EXPECT_EQ((*user)["blocking"], false);
  EXPECT_EQ((*user)["classification"], "notify");
  const nlohmann::json* check = FindCheck(run.report, "linux.fanotify");
  ASSERT_NE(check, nullptr);
  // Other holders on the machine could fail the check; this one must not be named as a conflict.
  if ((*check)["status"] == "fail") {
    EXPECT_EQ((*check)["summary"].get<std::string>().find(std::to_string(holder->Pid())),
              std::string::npos);
  } else {
    EXPECT_EQ(run.exit_code, 0);
  }
}

}  // namespace
}  // namespace preflight::testing

namespace preflight::testing {
namespace {

// An offline tree (here a fixture) is inspected through --root, relative paths included, and no
// command runs; the extension's installer exit code 5 reaches the report.
// A relative --config names a file below the working directory, as a user typing it means (it was
// once read from below "/": "cannot open /svc/config.json").
TEST(CliRoot, ARelativeConfigIsReadFromTheWorkingDirectory) {
  // Below the working directory, so the relative name does not climb to "/" with "..".
  const std::string name = "relative-config-" + std::to_string(::getpid()) + ".json";
  WriteFile((fs::current_path() / name).string(), R"({"format":"json","offline":true})");
  const AgentRun run = RunAgent({"check", "--config", name});
  fs::remove(fs::current_path() / name);
  EXPECT_TRUE(run.exit_code == 0 || run.exit_code == 1) << run.err;
  EXPECT_FALSE(run.report.is_discarded()) << "the file's format should apply: " << run.err;
}

TEST(CliRoot, InspectsAFixtureTreeWithARelativeRoot) {
  const std::string tree = std::string(PREFLIGHT_SOURCE_DIR) + "/tests/data/mde/ext_error_exit5";
  const std::string relative = fs::relative(tree, fs::current_path()).string();
  const AgentRun run = RunAgent({"check", "--format", "json", "--root", relative});
  EXPECT_EQ(run.exit_code, 1) << run.err;
  ASSERT_FALSE(run.report.is_discarded()) << run.out;
  EXPECT_EQ(SchemaViolations(run.report), "");
  ASSERT_EQ(run.report["extensions"].size(), 1U);
  const nlohmann::json& ext = run.report["extensions"][0];
  EXPECT_EQ(ext["name"], "MDE.Linux");
  EXPECT_EQ(ext["status"], "error");
  EXPECT_EQ(ext["installer_exit_code"], 5);
  EXPECT_EQ(run.report["verdict"], "blocked");
}

}  // namespace
}  // namespace preflight::testing

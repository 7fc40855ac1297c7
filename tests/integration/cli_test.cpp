#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "tests/integration/agent_cli.h"

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

#include "probes/azure/extension_local_check.h"

#include <gtest/gtest.h>

#include "platform/file_system.h"
#include "tests/fakes/fake_platform.h"
#include "tests/unit/hostchecks_fixture.h"

namespace preflight {
namespace {

using testing::FakeWorld;

constexpr const char* kHandler =
    "/var/lib/waagent/Microsoft.Azure.AzureDefenderForServers.MDE.Linux";

CheckResult RunOnFixture(const std::string& name) {
  testing::TreeWorld world(testing::MdeCase(name));
  return ExtensionLocalCheck().Run(world.Ctx(/*live=*/false));
}

const nlohmann::json& Entry(const CheckResult& r) { return r.report.at("extensions").at(0); }

TEST(ExtensionLocalFixture, NoExtensionIsSkipped) {
  const CheckResult r = RunOnFixture("absent");
  EXPECT_EQ(r.status, Status::kSkip);
  EXPECT_EQ(r.summary, "The MDE.Linux extension has not been deployed to this machine.");
  EXPECT_TRUE(r.report.empty());
}

TEST(ExtensionLocalFixture, SuccessPicksTheNewestVersionNumerically) {
  const CheckResult r = RunOnFixture("ext_success");
  EXPECT_EQ(r.status, Status::kPass) << r.summary;
  const auto& e = Entry(r);
  EXPECT_EQ(e.at("name"), "MDE.Linux");
  EXPECT_EQ(e.at("version"), "1.0.10.0");
  EXPECT_EQ(e.at("source"), "waagent");
  EXPECT_EQ(e.at("handler_state"), "Enabled");
  EXPECT_EQ(e.at("status"), "success");
  EXPECT_EQ(e.at("code"), 0);
  EXPECT_EQ(e.at("path"), std::string(kHandler) + "-1.0.10.0");
  EXPECT_EQ(r.evidence.at("other_versions"), nlohmann::json::array({"1.0.9.0"}));
  EXPECT_EQ(r.evidence.at("status_file"), std::string(kHandler) + "-1.0.10.0/status/2.status");
}

TEST(ExtensionLocalFixture, TransitioningWarns) {
  const CheckResult r = RunOnFixture("ext_transitioning");
  EXPECT_EQ(r.status, Status::kWarn);
  EXPECT_NE(r.summary.find("still being installed"), std::string::npos) << r.summary;
  EXPECT_EQ(Entry(r).at("status"), "transitioning");
  EXPECT_EQ(Entry(r).at("handler_state"), "Installed");
}

TEST(ExtensionLocalFixture, ErrorWithInstallerExitCode5) {
  const CheckResult r = RunOnFixture("ext_error_exit5");
  EXPECT_EQ(r.status, Status::kFail);
  EXPECT_NE(r.summary.find("installation failed (fixture)"), std::string::npos) << r.summary;
  EXPECT_NE(r.summary.find("mde_installer.sh exited with 5 (CONFLICTING_APPS)"), std::string::npos)
      << r.summary;
  EXPECT_NE(r.summary.find("another fanotify security product"), std::string::npos);
  EXPECT_NE(r.remediation.find("passive mode"), std::string::npos) << r.remediation;
  EXPECT_NE(r.remediation.find("MdeInstallerLog.log"), std::string::npos) << r.remediation;
  const auto& e = Entry(r);
  EXPECT_EQ(e.at("status"), "error");
  EXPECT_EQ(e.at("code"), 1);
  // The last run's exit, not the earlier exit 24.
  EXPECT_EQ(e.at("installer_exit_code"), 5);
  EXPECT_EQ(e.at("installer_error"),
            "found conflicting applications: [/opt/ds_agent/ds_am], aborting");
  EXPECT_EQ(r.evidence.at("installer").at("script_version"), "1.2.1");
}

TEST(ExtensionLocalFixture, MalformedAndTruncatedStatusFilesFailClearly) {
  for (const char* name : {"ext_malformed", "ext_truncated"}) {
    SCOPED_TRACE(name);
    const CheckResult r = RunOnFixture(name);
    EXPECT_EQ(r.status, Status::kFail);
    EXPECT_NE(r.summary.find("guest agent reports an error because"), std::string::npos)
        << r.summary;
    EXPECT_NE(r.summary.find("not valid JSON"), std::string::npos) << r.summary;
    EXPECT_EQ(Entry(r).at("status"), "error");
    EXPECT_TRUE(Entry(r).at("message").is_null());
  }
}

// Fake trees for the cases that need no committed files.
std::string Handler(const std::string& version = "1.0.9.0") {
  return std::string(kHandler) + "-" + version;
}

std::string Status(const std::string& status, const std::string& message) {
  return R"([{"version":1.0,"status":{"operation":"Enable","status":")" + status +
         R"(","code":1,"formattedMessage":{"lang":"en-US","message":)" +
         nlohmann::json(message).dump() + "}}}]";
}

CheckResult RunOn(FakeWorld& w) { return ExtensionLocalCheck().Run(w.Ctx(/*live=*/false)); }

TEST(ExtensionLocalFake, ArcAgentMakesTheSourceArcAndAddsItsLogFolder) {
  FakeWorld w;
  w.fs.AddDir("/var/opt/azcmagent");
  w.fs.AddFile(Handler() + "/config/0.settings", "{}");
  w.fs.AddFile(Handler() + "/status/0.status", Status("error", "failed"));
  w.fs.AddFile(
      "/var/lib/GuestConfig/extension_logs/"
      "Microsoft.Azure.AzureDefenderForServers.MDE.Linux/MdeInstallerLog.log",
      "[x] unsupported distro foo 1\n[*] exiting (10)\n");
  const CheckResult r = RunOn(w);
  EXPECT_EQ(Entry(r).at("source"), "arc");
  EXPECT_EQ(Entry(r).at("installer_exit_code"), 10);
  EXPECT_NE(r.summary.find("UNSUPPORTED_DISTRO"), std::string::npos) << r.summary;
}

TEST(ExtensionLocalFake, NoStatusForTheNewestSettingsIsTransitioning) {
  FakeWorld w;
  w.fs.AddFile(Handler() + "/config/3.settings", "{}");
  w.fs.AddFile(Handler() + "/status/2.status", Status("error", "old failure"));
  const CheckResult r = RunOn(w);
  EXPECT_EQ(r.status, Status::kWarn);
  EXPECT_NE(r.summary.find("no status file"), std::string::npos) << r.summary;
  EXPECT_EQ(Entry(r).at("status"), "transitioning");
}

TEST(ExtensionLocalFake, NewestSequenceWinsIncludingMultiConfigNames) {
  FakeWorld w;
  w.fs.AddFile(Handler() + "/status/9.status", Status("error", "nine"));
  w.fs.AddFile(Handler() + "/status/MDE.Linux.10.status", Status("success", "ten"));
  w.fs.AddFile(Handler() + "/status/x.status", Status("error", "not a sequence"));
  w.fs.AddFile(Handler() + "/status/11.status.tmp", Status("error", "not a status file"));
  const CheckResult r = RunOn(w);
  EXPECT_EQ(r.status, Status::kPass) << r.summary;
  EXPECT_EQ(Entry(r).at("message"), "ten");
}

TEST(ExtensionLocalFake, StatusFileOverTheAgentLimitIsReportedNotRead) {
  FakeWorld w;
  w.fs.AddFile(Handler() + "/status/0.status", Status("success", std::string(129 * 1024, 'x')));
  const CheckResult r = RunOn(w);
  EXPECT_EQ(r.status, Status::kWarn);
  EXPECT_NE(r.summary.find("128 KiB"), std::string::npos) << r.summary;
  EXPECT_EQ(Entry(r).at("status"), "unknown");
}

TEST(ExtensionLocalFake, HandlerExitCodesInTheMessageAreExplained) {
  struct Case {
    const char* message;
    const char* summary_part;
    const char* remediation_part;
  };
  const Case cases[] = {
      {"Non-zero exit code: 52, /var/lib/waagent/x/PythonRunner.sh src/MdeExtensionHandler.py "
       "install\n[stdout]\n\n[stderr]\nNo Python interpreter found",
       "no Python interpreter", "python3"},
      {"Non-zero exit code: 126, /var/lib/waagent/x/PythonRunner.sh\nWARNING: /var is mounted "
       "with the noexec flag",
       "noexec", "without noexec"},
  };
  for (const Case& c : cases) {
    FakeWorld w;
    w.fs.AddFile(Handler() + "/status/0.status", Status("error", c.message));
    const CheckResult r = RunOn(w);
    EXPECT_EQ(r.status, Status::kFail);
    EXPECT_NE(r.summary.find(c.summary_part), std::string::npos) << r.summary;
    EXPECT_NE(r.remediation.find(c.remediation_part), std::string::npos) << r.remediation;
    // The summary quotes the first line only; the report keeps the message.
    EXPECT_EQ(r.summary.find("[stderr]"), std::string::npos) << r.summary;
    EXPECT_EQ(Entry(r).at("message"), c.message);
  }
}

TEST(ExtensionLocalFake, UnknownStatusValueFailsAsTheAgentReportsIt) {
  FakeWorld w;
  w.fs.AddFile(Handler() + "/status/0.status", Status("Succeeded", "done"));
  const CheckResult r = RunOn(w);
  EXPECT_EQ(r.status, Status::kFail);
  EXPECT_NE(r.summary.find("\"Succeeded\" is not one the agent knows"), std::string::npos)
      << r.summary;
}

TEST(ExtensionLocalFake, FailedUpgradeWarnsEvenOnSuccess) {
  FakeWorld w;
  w.fs.AddFile(Handler() + "/config/HandlerState", "FailedUpgrade\n");
  w.fs.AddFile(Handler() + "/status/0.status", Status("success", "done"));
  const CheckResult r = RunOn(w);
  EXPECT_EQ(r.status, Status::kWarn);
  EXPECT_EQ(Entry(r).at("handler_state"), "FailedUpgrade");
}

TEST(ExtensionLocalFake, HostileLogFolderIsIgnoredAndACustomOneIsUsed) {
  FakeWorld w;
  w.fs.AddFile(Handler() + "/status/0.status", Status("error", "failed"));
  w.fs.AddFile(Handler() + "/HandlerEnvironment.json",
               R"([{"handlerEnvironment":{"logFolder":"/var/log/../../etc"}}])");
  w.fs.AddFile("/etc/MdeInstallerLog.log", "[*] exiting (12)\n");
  CheckResult r = RunOn(w);
  EXPECT_FALSE(Entry(r).contains("installer_exit_code"));
  EXPECT_NE(r.evidence.at("notes").dump().find("unusable logFolder"), std::string::npos);

  FakeWorld custom;
  custom.fs.AddFile(Handler() + "/status/0.status", Status("error", "failed"));
  custom.fs.AddFile(Handler() + "/HandlerEnvironment.json",
                    R"([{"handlerEnvironment":{"logFolder":"/srv/logs/mde"}}])");
  custom.fs.AddFile("/srv/logs/mde/MdeInstallerLog.log",
                    "[x] MDE requires more\n[*] exiting (12)\n");
  r = RunOn(custom);
  EXPECT_EQ(Entry(r).at("installer_exit_code"), 12);
  EXPECT_EQ(r.evidence.at("log"), "/srv/logs/mde/MdeInstallerLog.log");
}

TEST(ExtensionLocalFake, RegularFilesAndOtherHandlersAreNotExtensions) {
  FakeWorld w;
  w.fs.AddFile(std::string(kHandler) + "-1.0.9.0", "a file, not a directory");
  w.fs.AddFile(std::string(kHandler) + "-x.y/status/0.status", Status("success", "bad version"));
  w.fs.AddFile("/var/lib/waagent/Microsoft.Azure.AzureDefenderForServers.MDE.Windows-1.0/x", "");
  const CheckResult r = RunOn(w);
  EXPECT_EQ(r.status, Status::kSkip);
}

}  // namespace
}  // namespace preflight

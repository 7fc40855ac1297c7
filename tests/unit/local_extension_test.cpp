// azure.extension.local's decision table and the gathering both OS readers share; OS-neutral, so
// built into preflight_unit_tests on Linux and on Windows (Wine).

#include <gtest/gtest.h>

#include "probes/azure/extension_local_check.h"
#include "probes/common/local_extension.h"
#include "probes/windows/mde_handler_log.h"

namespace preflight {
namespace {

LocalExtension Found(const std::string& status) {
  LocalExtension ext;
  ext.name = "MDE.Linux";
  ext.found = true;
  ext.version = "1.0.9.0";
  ext.status.valid = true;
  ext.status.status = status;
  ext.agent_log = "/var/log/waagent.log";
  return ext;
}

TEST(EvaluateLocalExtension, Table) {
  struct Row {
    const char* what;
    LocalExtension ext;
    Status status;
    LocalExtensionState state;
    FailureCause cause;
  };
  LocalExtension unreadable;
  unreadable.unreadable = "cannot list /var/lib/waagent: permission denied";
  LocalExtension failed_upgrade = Found("success");
  failed_upgrade.handler_state = "FailedUpgrade";
  LocalExtension handler_exit = Found("error");
  handler_exit.handler_exit = ExtensionExitCode(52);
  handler_exit.installer.exit_code = 5;  // the handler's own code is the more specific
  LocalExtension installer_exit = Found("error");
  installer_exit.installer.exit_code = 5;
  LocalExtension installer_ok = Found("error");
  installer_ok.installer.exit_code = 0;
  const Row rows[] = {
      {"not deployed", LocalExtension{}, Status::kSkip, LocalExtensionState::kNotDeployed,
       FailureCause::kUnexplained},
      {"unreadable", unreadable, Status::kWarn, LocalExtensionState::kUnreadable,
       FailureCause::kUnexplained},
      {"success", Found("success"), Status::kPass, LocalExtensionState::kSucceeded,
       FailureCause::kUnexplained},
      {"failed upgrade", failed_upgrade, Status::kWarn, LocalExtensionState::kFailedUpgrade,
       FailureCause::kUnexplained},
      {"error", Found("error"), Status::kFail, LocalExtensionState::kFailed,
       FailureCause::kUnexplained},
      {"handler exit", handler_exit, Status::kFail, LocalExtensionState::kFailed,
       FailureCause::kHandlerExit},
      {"installer exit", installer_exit, Status::kFail, LocalExtensionState::kFailed,
       FailureCause::kInstallerExit},
      {"installer exit 0", installer_ok, Status::kFail, LocalExtensionState::kFailed,
       FailureCause::kUnexplained},
      {"transitioning", Found("transitioning"), Status::kWarn, LocalExtensionState::kTransitioning,
       FailureCause::kUnexplained},
      {"warning", Found("warning"), Status::kWarn, LocalExtensionState::kWarning,
       FailureCause::kUnexplained},
      {"unknown", Found("unknown"), Status::kWarn, LocalExtensionState::kNoUsableStatus,
       FailureCause::kUnexplained},
  };
  for (const Row& row : rows) {
    const LocalExtensionVerdict verdict = EvaluateLocalExtension(row.ext);
    EXPECT_EQ(verdict.status, row.status) << row.what;
    EXPECT_EQ(verdict.state, row.state) << row.what;
    EXPECT_EQ(verdict.cause, row.cause) << row.what;
  }
}

TEST(DescribeLocalExtension, UnreadableFoldersAreNotCalledUndeployed) {
  LocalExtension ext;
  ext.name = "MDE.Windows";
  ext.unreadable = "cannot list C:\\Packages\\Plugins\\x: access denied";
  const CheckResult r = DescribeLocalExtension(ext, EvaluateLocalExtension(ext));
  EXPECT_EQ(r.status, Status::kWarn);
  EXPECT_EQ(r.summary,
            "Could not tell whether the MDE.Windows extension is deployed: cannot list "
            "C:\\Packages\\Plugins\\x: access denied.");
  EXPECT_TRUE(r.report.empty());
}

TEST(DescribeLocalExtension, AHandlerCodeIsExplainedOnceWithItsRemediation) {
  LocalExtension ext = Found("error");
  ext.name = "MDE.Windows";
  ext.status.message = "Failed to configure Microsoft Defender for Endpoint";
  ext.code = 51;
  ext.handler_exit = WindowsExtensionExitCode(51);
  ext.log_name = "handler log";
  ext.log_path = "C:\\WindowsAzure\\Logs\\Plugins\\x\\MdeExtensionHandlerLog.log";
  ext.log_error = "Onboarding to MDE via Microsoft Defender for Cloud is not supported";
  const CheckResult r = DescribeLocalExtension(ext, EvaluateLocalExtension(ext));
  EXPECT_EQ(r.summary,
            "The MDE.Windows extension 1.0.9.0 failed: Failed to configure Microsoft Defender for "
            "Endpoint; the extension handler ended with code 51: Defender for Cloud does not "
            "onboard this operating system to MDE; the handler log's last error: \"Onboarding to "
            "MDE via Microsoft Defender for Cloud is not supported\".");
  EXPECT_EQ(r.remediation.rfind("This Windows edition cannot be onboarded", 0), 0U)
      << r.remediation;
  EXPECT_NE(r.remediation.find(ext.log_path + " and "), std::string::npos) << r.remediation;
  EXPECT_EQ(r.report.at("extensions").at(0).at("code"), 51);
}

TEST(LocalExtensionView, CarriesWhatTheCloudCheckCompares) {
  LocalExtension ext = Found("error");
  ext.status.message = "failed";
  ext.status.timestamp_utc = "2025-03-01T10:00:00Z";
  ext.code = 51;
  ext.installer.exit_code = 5;
  const LocalExtensionView view = ViewOf(ext);
  EXPECT_TRUE(view.read);
  EXPECT_TRUE(view.found);
  EXPECT_EQ(view.version, "1.0.9.0");
  EXPECT_EQ(view.status, "error");
  EXPECT_EQ(view.code, 51);
  EXPECT_EQ(view.message, "failed");
  EXPECT_EQ(view.timestamp_utc, "2025-03-01T10:00:00Z");
  EXPECT_EQ(view.installer_exit_code, 5);

  LocalExtension unreadable;
  unreadable.unreadable = "cannot list /var/lib/waagent: permission denied";
  EXPECT_FALSE(ViewOf(unreadable).read);
  EXPECT_EQ(ViewOf(unreadable).note, unreadable.unreadable);
}

TEST(LocalExtensionGathering, HandlerVersionsAndSequenceNumbers) {
  for (const char* good : {"1", "1.0.9.0", "10.0.0.123456789"}) {
    EXPECT_TRUE(IsHandlerVersion(good)) << good;
  }
  for (const char* bad :
       {"", "1..0", "1.0.", ".1", "x.y", "1.0-rc", "1.2.3.4.5.6.7.8.9", "1234567890"}) {
    EXPECT_FALSE(IsHandlerVersion(bad)) << bad;
  }
  DirListing listing;
  listing.entries = {{"H-1.0.10.0", FileType::kDirectory}, {"H-1.0.9.0", FileType::kDirectory},
                     {"H-1.0.11.0", FileType::kRegular},   {"H-x", FileType::kDirectory},
                     {"G-2.0", FileType::kDirectory},      {"H-1.0.2.0", FileType::kDirectory}};
  const HandlerVersions versions = FindHandlerVersions(listing, "H-");
  EXPECT_EQ(versions.newest, "1.0.10.0");
  EXPECT_EQ(versions.others, (std::vector<std::string>{"1.0.2.0", "1.0.9.0"}));

  EXPECT_EQ(SequenceOf("0.status", ".status"), 0U);
  EXPECT_EQ(SequenceOf("12.STATUS", ".status"), 12U);
  EXPECT_EQ(SequenceOf("MDE.Linux.10.status", ".status"), 10U);
  for (const char* bad :
       {".status", "x.status", "1.status.tmp", "1.settings", "1234567890.status", "-1.status"}) {
    EXPECT_FALSE(SequenceOf(bad, ".status")) << bad;
  }
}

}  // namespace
}  // namespace preflight

#include "probes/common/mde_installer_log.h"

#include <gtest/gtest.h>

namespace preflight {
namespace {

// As mde_installer.sh writes with --log-path: "<ts> <LEVEL> <msg>".
constexpr std::string_view kConflictRun =
    "2026-01-10T08:00:01 INFO  --- mde_installer.sh v1.2.1 ---\n"
    "2026-01-10T08:00:01 INFO  [v] detected: x86_64 architecture\n"
    "2026-01-10T08:00:01 INFO  [v] detected: ubuntu 22.04 jammy (debian)\n"
    "2026-01-10T08:00:02 ERROR [x] found conflicting applications: [/opt/ds_agent/ds_am], "
    "aborting\n"
    "2026-01-10T08:00:02 INFO  [*] exiting (5)\n";

TEST(ParseInstallerLog, FindsTheErrorAndExitCodeOfTheRun) {
  const InstallerLogSummary s = ParseInstallerLog(kConflictRun);
  EXPECT_TRUE(s.found_run);
  EXPECT_EQ(s.script_version, "1.2.1");
  EXPECT_EQ(s.exit_code, 5);
  EXPECT_EQ(s.last_error, "found conflicting applications: [/opt/ds_agent/ds_am], aborting");
}

TEST(ParseInstallerLog, Table) {
  struct Case {
    const char* name;
    std::string text;
    bool found_run;
    std::optional<int> exit_code;
    const char* last_error;
    const char* version;
  };
  const Case cases[] = {
      {"bare stdout capture, no timestamps",
       "[v] detected: ubuntu 26.04 resolute (debian)\n[v] scaled: 18.04\n"
       "[x] unable to fetch the gpg key\n[*] exiting (24)\n",
       true, 24, "unable to fetch the gpg key", ""},
      {"level without timestamp", "INFO  --- mde_installer.sh v0.8.3 ---\nINFO  [v] x\n", true,
       std::nullopt, "", "0.8.3"},
      {"a later successful run clears an earlier failure",
       std::string(kConflictRun) + "2026-01-11T08:00:01 INFO  --- mde_installer.sh v1.2.1 ---\n"
                                   "2026-01-11T08:00:09 INFO  [v] --- mde_installer.sh ended. ---\n"
                                   "2026-01-11T08:00:09 INFO  [*] exiting (0)\n",
       true, 0, "", "1.2.1"},
      {"[!] errors are warnings, not the exit reason",
       "2025-04-16T13:56:46 ERROR [!] unable to refresh the repos properly\n", true, std::nullopt,
       "", ""},
      {"[x] inside command output is not at line start",
       "DEBUG [>] Command output: tar: [x] weird\n", true, std::nullopt, "", ""},
      {"tail cut mid-line, CRLF",
       "ed conflicting\r\n2026-01-10T08:00:02 ERROR [x] boom\r\n2026-01-10T08:00:02 INFO  [*] "
       "exiting (31)\r\n",
       true, 31, "boom", ""},
      {"exit code that is not a number", "[*] exiting (abc)\n", false, std::nullopt, "", ""},
      {"absurd exit code", "[*] exiting (99999999999)\n", false, std::nullopt, "", ""},
      {"not an installer log", "hello\nworld\n", false, std::nullopt, "", ""},
      {"empty", "", false, std::nullopt, "", ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const InstallerLogSummary s = ParseInstallerLog(c.text);
    EXPECT_EQ(s.found_run, c.found_run);
    EXPECT_EQ(s.exit_code, c.exit_code);
    EXPECT_EQ(s.last_error, c.last_error);
    EXPECT_EQ(s.script_version, c.version);
  }
}

TEST(InstallerExitCode, ExplainsTheCodesTheInstallerDefines) {
  for (const int code : {0,  1,  2,  3,  5,  10, 11, 12, 15, 20, 21, 22, 23,
                         24, 25, 26, 30, 31, 32, 33, 40, 41, 51, 52, 53}) {
    const ExitCodeInfo* info = InstallerExitCode(code);
    ASSERT_NE(info, nullptr) << code;
    EXPECT_EQ(info->code, code);
    EXPECT_NE(std::string_view(info->meaning), "");
  }
  EXPECT_EQ(std::string_view(InstallerExitCode(5)->name), "CONFLICTING_APPS");
  EXPECT_NE(std::string_view(InstallerExitCode(5)->meaning).find("cbsensor"),
            std::string_view::npos);
  EXPECT_EQ(InstallerExitCode(4), nullptr);
  EXPECT_EQ(InstallerExitCode(-1), nullptr);
}

TEST(ExtensionExitCodeFromMessage, Table) {
  const std::pair<std::string_view, std::optional<int>> cases[] = {
      {"Non-zero exit code: 52, /var/lib/waagent/Microsoft.Azure.AzureDefenderForServers.MDE.Linux-"
       "1.0.9.0/PythonRunner.sh src/MdeExtensionHandler.py install\n[stdout]\n\n[stderr]\nNo "
       "Python "
       "interpreter found",
       52},
      {"Extension returned non-zero exit code for Install: 52. Extension error output: No Python "
       "interpreter found, which is an MDC-MDE extension dependency.",
       52},
      {"Non-zero exit code: 126, /var/lib/waagent/x/PythonRunner.sh\nWARNING: /var is mounted with "
       "the noexec flag",
       126},
      {"Failed to configure Microsoft Defender for Endpoint: argument of type 'NoneType' is not "
       "iterable",
       std::nullopt},
      {"Non-zero exit code: , x", std::nullopt},
      {"", std::nullopt},
  };
  for (const auto& [message, code] : cases) {
    EXPECT_EQ(ExtensionExitCodeFromMessage(message), code) << message;
  }
  ASSERT_NE(ExtensionExitCode(52), nullptr);
  EXPECT_NE(std::string_view(ExtensionExitCode(52)->meaning).find("Python"),
            std::string_view::npos);
  ASSERT_NE(ExtensionExitCode(126), nullptr);
  EXPECT_NE(std::string_view(ExtensionExitCode(126)->meaning).find("noexec"),
            std::string_view::npos);
}

}  // namespace
}  // namespace preflight

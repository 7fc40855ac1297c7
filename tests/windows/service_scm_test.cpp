// The built agent under the real service control manager (Wine's services.exe in CI):
// `mde-preflight service install`, a start through the SCM, a report written by the running
// service, a stop through the SCM, `service uninstall`, and the service gone.

#include <windows.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "platform/process_runner.h"
#include "platform/windows/win32_util.h"
#include "tests/windows/windows_test_support.h"

namespace preflight {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::U;
using testing::W;
using win32::UniqueServiceHandle;

// Bounds of the polls below; generous because the machine is shared, and never reached when the
// service works.
constexpr seconds kStateTimeout{60};
constexpr seconds kReportTimeout{90};
constexpr milliseconds kPollInterval{200};

std::string AgentPath() {
  std::string path = PREFLIGHT_AGENT_EXE;  // "Z:/.../mde-preflight.exe"
  std::replace(path.begin(), path.end(), '/', '\\');
  return path;
}

ProcessOutput RunAgent(const std::vector<std::string>& args) {
  std::vector<std::string> argv{AgentPath()};
  argv.insert(argv.end(), args.begin(), args.end());
  auto output = MakeProcessRunner()->Run(argv, seconds(120), 64 * 1024);
  if (!output.Ok()) {
    ADD_FAILURE() << "cannot run the agent: " << output.Err().message;
    return {};
  }
  return output.Value();
}

bool FileExists(const std::string& path) {
  return ::GetFileAttributesW(W(path).c_str()) != INVALID_FILE_ATTRIBUTES;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(std::filesystem::path(W(path)), std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Polls until `done` or the timeout; true when done.
template <class Predicate>
bool PollUntil(std::chrono::steady_clock::duration timeout, Predicate done) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= until) return false;
    ::Sleep(static_cast<DWORD>(kPollInterval.count()));
  }
  return true;
}

DWORD CurrentState(SC_HANDLE service, SERVICE_STATUS_PROCESS& status) {
  DWORD needed = 0;
  if (!::QueryServiceStatusEx(service, SC_STATUS_PROCESS_INFO, reinterpret_cast<BYTE*>(&status),
                              sizeof status, &needed)) {
    return 0;
  }
  return status.dwCurrentState;
}

UniqueServiceHandle OpenAgentService(SC_HANDLE manager, DWORD access) {
  return UniqueServiceHandle(::OpenServiceW(manager, L"mde-preflight", access));
}

TEST(ServiceUnderScm, InstallStartReportStopUninstall) {
  const testing::TempDir dir;
  const std::string report = dir.path() + "\\report.json";
  const std::string config = dir.path() + "\\config.json";
  const nlohmann::json settings = {
      {"report_path", report}, {"offline", true}, {"interval_minutes", 5}, {"timeout_seconds", 30}};
  dir.WriteFile("config.json", settings.dump());

  // A service left by an interrupted earlier run would make install an update.
  (void)RunAgent({"service", "uninstall"});
  const ProcessOutput installed = RunAgent({"service", "install", "--config", config});
  ASSERT_EQ(installed.exit_code, 0) << installed.out << installed.err;
  EXPECT_NE(installed.out.find("installed"), std::string::npos) << installed.out;

  {
    const UniqueServiceHandle manager(::OpenSCManagerW(nullptr, nullptr, SC_MANAGER_CONNECT));
    ASSERT_TRUE(manager) << win32::Win32Message(::GetLastError());
    const UniqueServiceHandle service =
        OpenAgentService(manager.get(), SERVICE_QUERY_CONFIG | SERVICE_QUERY_STATUS |
                                            SERVICE_START | SERVICE_STOP | SERVICE_PAUSE_CONTINUE);
    ASSERT_TRUE(service) << win32::Win32Message(::GetLastError());

    // The registration: automatic start, own process, LocalSystem, quoted binary path.
    std::vector<BYTE> buffer(8 * 1024);
    DWORD needed = 0;
    ASSERT_TRUE(::QueryServiceConfigW(service.get(),
                                      reinterpret_cast<QUERY_SERVICE_CONFIGW*>(buffer.data()),
                                      static_cast<DWORD>(buffer.size()), &needed));
    const auto* registered = reinterpret_cast<const QUERY_SERVICE_CONFIGW*>(buffer.data());
    EXPECT_EQ(registered->dwStartType, static_cast<DWORD>(SERVICE_AUTO_START));
    EXPECT_EQ(registered->dwServiceType & SERVICE_WIN32_OWN_PROCESS,
              static_cast<DWORD>(SERVICE_WIN32_OWN_PROCESS));
    const std::string command = U(registered->lpBinaryPathName);
    EXPECT_EQ(command, "\"" + AgentPath() + "\" service --config \"" + config + "\"");
    const std::string account =
        registered->lpServiceStartName != nullptr ? U(registered->lpServiceStartName) : "";
    EXPECT_TRUE(account.empty() || account == "LocalSystem") << account;

    std::vector<BYTE> description(8 * 1024);
    ASSERT_TRUE(::QueryServiceConfig2W(service.get(), SERVICE_CONFIG_DESCRIPTION,
                                       description.data(), static_cast<DWORD>(description.size()),
                                       &needed));
    const auto* text = reinterpret_cast<const SERVICE_DESCRIPTIONW*>(description.data());
    ASSERT_NE(text->lpDescription, nullptr);
    EXPECT_NE(U(text->lpDescription).find("Defender for Endpoint"), std::string::npos);

    // Start through the SCM; the running service writes the report.
    ASSERT_FALSE(FileExists(report));
    ASSERT_TRUE(::StartServiceW(service.get(), 0, nullptr))
        << win32::Win32Message(::GetLastError());
    SERVICE_STATUS_PROCESS status{};
    ASSERT_TRUE(PollUntil(kStateTimeout,
                          [&] { return CurrentState(service.get(), status) == SERVICE_RUNNING; }))
        << "state " << status.dwCurrentState;
    EXPECT_NE(status.dwProcessId, 0U);
    EXPECT_EQ(status.dwControlsAccepted & SERVICE_ACCEPT_STOP,
              static_cast<DWORD>(SERVICE_ACCEPT_STOP));
    ASSERT_TRUE(PollUntil(kReportTimeout, [&] { return FileExists(report); }))
        << "no report at " << report;
    nlohmann::json written;
    ASSERT_TRUE(PollUntil(kReportTimeout, [&] {
      written = nlohmann::json::parse(ReadAll(report), nullptr, false);
      return !written.is_discarded();
    }));
    EXPECT_EQ(written["host"]["os"]["family"], "windows");
    EXPECT_TRUE(written.contains("verdict"));
    // The same files as on Linux beside the report: the page and the verdict history.
    const std::string folder = dir.path() + "\\";
    EXPECT_TRUE(PollUntil(kReportTimeout, [&] { return FileExists(folder + "history.jsonl"); }));
    EXPECT_NE(ReadAll(folder + "report.html").find("<html"), std::string::npos);

    // SERVICE_CONTROL_PARAMCHANGE re-reads the config and checks at once (the interval is 5 min).
    SERVICE_STATUS changed{};
    ASSERT_TRUE(::ControlService(service.get(), SERVICE_CONTROL_PARAMCHANGE, &changed))
        << win32::Win32Message(::GetLastError());
    EXPECT_TRUE(PollUntil(kReportTimeout, [&] {
      const auto now = nlohmann::json::parse(ReadAll(report), nullptr, false);
      return now.is_object() && now["generated_at"] != written["generated_at"];
    })) << "no new report after PARAMCHANGE";

    // Stop through the SCM: the service ends cleanly (exit code 0) within the bound.
    SERVICE_STATUS stop{};
    ASSERT_TRUE(::ControlService(service.get(), SERVICE_CONTROL_STOP, &stop))
        << win32::Win32Message(::GetLastError());
    ASSERT_TRUE(PollUntil(kStateTimeout,
                          [&] { return CurrentState(service.get(), status) == SERVICE_STOPPED; }))
        << "state " << status.dwCurrentState;
    EXPECT_EQ(status.dwWin32ExitCode, static_cast<DWORD>(NO_ERROR));
  }  // our handles closed, so the deletion is not held up by them

  const ProcessOutput removed = RunAgent({"service", "uninstall"});
  EXPECT_EQ(removed.exit_code, 0) << removed.out << removed.err;
  EXPECT_NE(removed.out.find("removed"), std::string::npos) << removed.out;
  const UniqueServiceHandle manager(::OpenSCManagerW(nullptr, nullptr, SC_MANAGER_CONNECT));
  ASSERT_TRUE(manager);
  EXPECT_FALSE(OpenAgentService(manager.get(), SERVICE_QUERY_STATUS));
  EXPECT_EQ(::GetLastError(), static_cast<DWORD>(ERROR_SERVICE_DOES_NOT_EXIST));

  // Uninstalling again is not an error.
  const ProcessOutput again = RunAgent({"service", "uninstall"});
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_NE(again.out.find("not installed"), std::string::npos) << again.out;
}

// Started from a console, not by the SCM, `service` runs the loop in the foreground.
TEST(ServiceUnderScm, WithoutTheScmRunsAsAConsoleProgram) {
  const testing::TempDir dir;
  const std::string report = dir.path() + "\\report.json";
  const nlohmann::json settings = {
      {"report_path", report}, {"offline", true}, {"interval_minutes", 5}, {"timeout_seconds", 30}};
  dir.WriteFile("config.json", settings.dump());

  std::wstring line =
      W("\"" + AgentPath() + "\" service --config \"" + dir.path() + "\\config.json\"");
  STARTUPINFOW startup{};
  startup.cb = sizeof startup;
  PROCESS_INFORMATION info{};
  ASSERT_TRUE(::CreateProcessW(nullptr, line.data(), nullptr, nullptr, FALSE, 0, nullptr, nullptr,
                               &startup, &info))
      << win32::Win32Message(::GetLastError());
  const win32::UniqueHandle process(info.hProcess);
  ::CloseHandle(info.hThread);
  const bool wrote = PollUntil(kReportTimeout, [&] { return FileExists(report); });
  DWORD code = STILL_ACTIVE;
  ::GetExitCodeProcess(process.get(), &code);
  ::TerminateProcess(process.get(), 0);
  ::WaitForSingleObject(process.get(), 10'000);
  EXPECT_TRUE(wrote) << "no report at " << report;
  EXPECT_EQ(code, static_cast<DWORD>(STILL_ACTIVE)) << "the service loop ended with " << code;
}

TEST(ServiceUnderScm, InstallRefusesUnknownOptions) {
  const ProcessOutput bad = RunAgent({"service", "install", "--format", "json"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("takes only --config"), std::string::npos) << bad.err;
}

}  // namespace
}  // namespace preflight

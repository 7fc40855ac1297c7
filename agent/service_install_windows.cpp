// `mde-preflight service install|uninstall`: the SCM registration of this executable.
// https://learn.microsoft.com/windows/win32/services/installing-a-service

#include <windows.h>

#include <chrono>
#include <iostream>
#include <string>
#include <vector>

#include "agent/app.h"
#include "agent/service_host.h"
#include "agent/service_windows.h"
#include "platform/windows/win32_util.h"

namespace preflight {
namespace {

using win32::UniqueServiceHandle;

constexpr wchar_t kDescription[] =
    L"Checks whether Microsoft Defender for Endpoint onboarding will work on this server and "
    L"keeps the JSON report in %ProgramData%\\mde-preflight\\report.json.";
// Recovery: restart after 1, 2 and 5 minutes; the failure count resets after a day without one.
// A service that fails to start keeps trying without hammering the machine.
constexpr DWORD kRestartDelaysMs[] = {60'000, 120'000, 300'000};
constexpr DWORD kFailureResetSeconds = 24 * 60 * 60;
// Uninstall waits this long for a running service to stop (its own stop grace is 10 s).
constexpr std::chrono::seconds kStopTimeout{30};

int Fail(const std::string& message) {
  std::cerr << "mde-preflight: " << message << "\n";
  return kExitInternal;
}

int FailWin32(const std::string& what, DWORD code) {
  if (code == ERROR_ACCESS_DENIED) {
    return Fail(what +
                ": access denied. Managing services needs administrator rights: run it "
                "from an elevated prompt (Run as administrator).");
  }
  return Fail(what + ": " + win32::Win32Message(code));
}

std::wstring ModulePath() {
  std::vector<wchar_t> buffer(32768);
  const DWORD n = ::GetModuleFileNameW(nullptr, buffer.data(), static_cast<DWORD>(buffer.size()));
  return std::wstring(buffer.data(), n);
}

// The command line the SCM runs. Paths are quoted: an unquoted path with spaces
// ("C:\Program Files\...") is the classic unquoted-service-path hole (CWE-428).
Result<std::wstring> ServiceCommandLine(const std::optional<std::string>& config_path) {
  const std::wstring exe = ModulePath();
  if (exe.empty()) return win32::LastError("cannot find this program's path", "");
  std::wstring command = L"\"" + exe + L"\" service";
  if (config_path) {
    auto wide = win32::Wide(*config_path, "the --config path");
    if (!wide.Ok()) return wide.Err();
    // The service starts in C:\Windows\System32, so a relative path must be made absolute now.
    std::vector<wchar_t> full(32768);
    const DWORD n = ::GetFullPathNameW(wide.Value().c_str(), static_cast<DWORD>(full.size()),
                                       full.data(), nullptr);
    if (n == 0 || n >= full.size()) {
      return win32::LastError("cannot make the --config path absolute: ", *config_path);
    }
    const std::wstring absolute(full.data(), n);
    // A '"' cannot be in a Windows path, and a trailing '\' would escape the closing quote.
    if (absolute.find(L'"') != std::wstring::npos || absolute.back() == L'\\') {
      return MakeError(ErrorKind::kInvalid, "--config must name a file: " + *config_path);
    }
    if (::GetFileAttributesW(absolute.c_str()) == INVALID_FILE_ATTRIBUTES) {
      std::cerr << "mde-preflight: warning: " << *config_path
                << " does not exist yet; the service reads it when it starts\n";
    }
    command += L" --config \"" + absolute + L"\"";
  }
  return command;
}

// Description and recovery actions; a failure is reported but leaves the service installed.
bool Configure(SC_HANDLE service) {
  bool ok = true;
  std::wstring description = kDescription;
  SERVICE_DESCRIPTIONW text{description.data()};
  if (!::ChangeServiceConfig2W(service, SERVICE_CONFIG_DESCRIPTION, &text)) {
    const DWORD error = ::GetLastError();
    std::cerr << "mde-preflight: warning: cannot set the service description: "
              << win32::Win32Message(error) << "\n";
    ok = false;
  }
  std::vector<SC_ACTION> actions;
  for (const DWORD delay : kRestartDelaysMs) actions.push_back({SC_ACTION_RESTART, delay});
  SERVICE_FAILURE_ACTIONSW failure{};
  failure.dwResetPeriod = kFailureResetSeconds;
  failure.cActions = static_cast<DWORD>(actions.size());
  failure.lpsaActions = actions.data();
  // Also when the service stops with a non-zero exit code, not only when it crashes.
  SERVICE_FAILURE_ACTIONS_FLAG on_exit_code{TRUE};
  if (!::ChangeServiceConfig2W(service, SERVICE_CONFIG_FAILURE_ACTIONS, &failure) ||
      !::ChangeServiceConfig2W(service, SERVICE_CONFIG_FAILURE_ACTIONS_FLAG, &on_exit_code)) {
    const DWORD error = ::GetLastError();
    std::cerr << "mde-preflight: warning: cannot set the recovery actions (restart on failure): "
              << win32::Win32Message(error) << "\n";
    ok = false;
  }
  return ok;
}

bool WaitUntilStopped(SC_HANDLE service) {
  const auto until = std::chrono::steady_clock::now() + kStopTimeout;
  SERVICE_STATUS status{};
  while (::QueryServiceStatus(service, &status) && status.dwCurrentState != SERVICE_STOPPED) {
    if (std::chrono::steady_clock::now() >= until) return false;
    ::Sleep(250);
  }
  return status.dwCurrentState == SERVICE_STOPPED;
}

}  // namespace

int InstallService(const std::optional<std::string>& config_path) {
  auto command = ServiceCommandLine(config_path);
  if (!command.Ok()) return Fail(command.Err().message);
  const UniqueServiceHandle manager(
      ::OpenSCManagerW(nullptr, nullptr, SC_MANAGER_CONNECT | SC_MANAGER_CREATE_SERVICE));
  if (!manager) return FailWin32("cannot open the service control manager", ::GetLastError());

  // SERVICE_START: setting SC_ACTION_RESTART actions needs it (ChangeServiceConfig2 docs).
  constexpr DWORD kAccess = SERVICE_CHANGE_CONFIG | SERVICE_START | SERVICE_QUERY_STATUS;
  bool updated = false;
  // No account: LocalSystem, which the checks need to read Defender's registry keys and files.
  SC_HANDLE raw =
      ::CreateServiceW(manager.get(), kServiceName, kServiceDisplayName, kAccess,
                       SERVICE_WIN32_OWN_PROCESS, SERVICE_AUTO_START, SERVICE_ERROR_NORMAL,
                       command.Value().c_str(), nullptr, nullptr, nullptr, nullptr, nullptr);
  if (raw == nullptr) {
    const DWORD error = ::GetLastError();
    if (error == ERROR_SERVICE_MARKED_FOR_DELETE) {
      return Fail(
          "the service was removed but is still open somewhere (close the Services "
          "console), or reboot; then install again");
    }
    if (error != ERROR_SERVICE_EXISTS) return FailWin32("cannot create the service", error);
    // Installing again (an upgrade) brings the registration up to date.
    raw = ::OpenServiceW(manager.get(), kServiceName, kAccess);
    if (raw == nullptr) return FailWin32("cannot open the existing service", ::GetLastError());
    if (!::ChangeServiceConfigW(raw, SERVICE_WIN32_OWN_PROCESS, SERVICE_AUTO_START,
                                SERVICE_ERROR_NORMAL, command.Value().c_str(), nullptr, nullptr,
                                nullptr, nullptr, nullptr, kServiceDisplayName)) {
      const DWORD change_error = ::GetLastError();
      ::CloseServiceHandle(raw);
      return FailWin32("cannot update the existing service", change_error);
    }
    updated = true;
  }
  const UniqueServiceHandle service(raw);
  const bool configured = Configure(service.get());
  std::cout << "mde-preflight: service '" << win32::Narrow(kServiceName) << "' "
            << (updated ? "updated" : "installed")
            << " (automatic start, LocalSystem): " << win32::Narrow(command.Value()) << "\n"
            << "Start it with: sc start mde-preflight\n";
  if (!configured) std::cout << "(see the warning above: the service itself is registered)\n";
  return kExitOk;
}

int UninstallService() {
  const UniqueServiceHandle manager(::OpenSCManagerW(nullptr, nullptr, SC_MANAGER_CONNECT));
  if (!manager) return FailWin32("cannot open the service control manager", ::GetLastError());
  SC_HANDLE raw =
      ::OpenServiceW(manager.get(), kServiceName, SERVICE_STOP | SERVICE_QUERY_STATUS | DELETE);
  if (raw == nullptr) {
    const DWORD error = ::GetLastError();
    if (error == ERROR_SERVICE_DOES_NOT_EXIST) {
      std::cout << "mde-preflight: the service is not installed; nothing to remove\n";
      return kExitOk;
    }
    return FailWin32("cannot open the service", error);
  }
  const UniqueServiceHandle service(raw);
  SERVICE_STATUS status{};
  if (::QueryServiceStatus(service.get(), &status) && status.dwCurrentState != SERVICE_STOPPED) {
    std::cout << "mde-preflight: stopping the service\n";
    if (!::ControlService(service.get(), SERVICE_CONTROL_STOP, &status)) {
      const DWORD error = ::GetLastError();
      if (error != ERROR_SERVICE_NOT_ACTIVE) {
        std::cerr << "mde-preflight: warning: cannot stop the service: "
                  << win32::Win32Message(error) << "\n";
      }
    }
    if (!WaitUntilStopped(service.get())) {
      std::cerr << "mde-preflight: warning: the service did not stop within "
                << kStopTimeout.count() << " s; Windows removes it once it stops\n";
    }
  }
  if (!::DeleteService(service.get())) {
    const DWORD error = ::GetLastError();
    if (error != ERROR_SERVICE_MARKED_FOR_DELETE) {
      return FailWin32("cannot remove the service", error);
    }
  }
  std::cout << "mde-preflight: service '" << win32::Narrow(kServiceName) << "' removed\n";
  return kExitOk;
}

}  // namespace preflight

#include <windows.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "platform/process_runner.h"
#include "platform/service_manager.h"
#include "platform/windows/win32_util.h"

namespace preflight {
namespace {

using win32::UniqueServiceHandle;

// QUERY_SERVICE_CONFIGW with its strings; 8 KiB is the documented maximum size of the buffer
// (https://learn.microsoft.com/windows/win32/api/winsvc/nf-winsvc-queryserviceconfigw).
constexpr DWORD kMaxConfigBytes = 8 * 1024;

const char* StateWord(DWORD state) {
  switch (state) {
    case SERVICE_RUNNING:
      return "running";
    case SERVICE_STOPPED:
      return "stopped";
    case SERVICE_START_PENDING:
      return "start pending";
    case SERVICE_STOP_PENDING:
      return "stop pending";
    case SERVICE_CONTINUE_PENDING:
      return "continue pending";
    case SERVICE_PAUSE_PENDING:
      return "pause pending";
    case SERVICE_PAUSED:
      return "paused";
    default:
      return "in an unknown state";
  }
}

const char* StartWord(DWORD start_type, bool delayed) {
  switch (start_type) {
    case SERVICE_BOOT_START:
      return "boot start";
    case SERVICE_SYSTEM_START:
      return "system start";
    case SERVICE_AUTO_START:
      return delayed ? "automatic (delayed) start" : "automatic start";
    case SERVICE_DEMAND_START:
      return "manual start";
    case SERVICE_DISABLED:
      return "disabled";
    default:
      return "unknown start type";
  }
}

// "stopped" with a non-zero exit code is how the SCM shows a service that died
// (SERVICE_STATUS.dwWin32ExitCode; ERROR_SERVICE_SPECIFIC_ERROR defers to
// dwServiceSpecificExitCode).
ServiceState StateOf(const SERVICE_STATUS_PROCESS& status) {
  switch (status.dwCurrentState) {
    case SERVICE_RUNNING:
      return ServiceState::kActive;
    case SERVICE_START_PENDING:
    case SERVICE_CONTINUE_PENDING:
      return ServiceState::kActivating;
    case SERVICE_STOPPED: {
      const bool died = status.dwWin32ExitCode == ERROR_SERVICE_SPECIFIC_ERROR
                            ? status.dwServiceSpecificExitCode != 0
                            : status.dwWin32ExitCode != NO_ERROR &&
                                  status.dwWin32ExitCode != ERROR_SERVICE_NEVER_STARTED;
      return died ? ServiceState::kFailed : ServiceState::kInactive;
    }
    case SERVICE_STOP_PENDING:
    case SERVICE_PAUSE_PENDING:
    case SERVICE_PAUSED:
      return ServiceState::kInactive;
    default:
      return ServiceState::kUnknown;
  }
}

class ScmServiceManager final : public ServiceManager {
 public:
  bool Available() override { return Connect() != nullptr; }

  Result<ServiceStatus> Query(const std::string& name) override {
    auto wide = win32::Wide(name, "the service name");
    if (!wide.Ok()) return wide.Err();
    UniqueServiceHandle manager = Connect();
    if (!manager) return win32::LastError("cannot connect to the service control manager", "");
    SC_HANDLE raw = ::OpenServiceW(manager.get(), wide.Value().c_str(),
                                   SERVICE_QUERY_STATUS | SERVICE_QUERY_CONFIG);
    if (raw == nullptr) {
      const DWORD error = ::GetLastError();
      if (error == ERROR_SERVICE_DOES_NOT_EXIST) {
        return ServiceStatus{ServiceState::kNotFound, "not installed"};
      }
      return win32::Win32Error("cannot open the service " + name, error);
    }
    const UniqueServiceHandle service(raw);
    SERVICE_STATUS_PROCESS status{};
    DWORD needed = 0;
    if (!::QueryServiceStatusEx(service.get(), SC_STATUS_PROCESS_INFO,
                                reinterpret_cast<BYTE*>(&status), sizeof status, &needed)) {
      return win32::LastError("cannot query the status of the service ", name);
    }
    ServiceStatus result;
    result.state = StateOf(status);
    result.detail = StateWord(status.dwCurrentState);
    if (result.state == ServiceState::kFailed) {
      const DWORD code = status.dwWin32ExitCode == ERROR_SERVICE_SPECIFIC_ERROR
                             ? status.dwServiceSpecificExitCode
                             : status.dwWin32ExitCode;
      // Appended piecewise: GCC 12 at -O3 warns falsely (-Wrestrict) on "literal" + std::string.
      result.detail += " (exit code ";
      result.detail += std::to_string(code);
      result.detail += ")";
    }
    // The start type is extra detail; a service whose configuration cannot be read still has a
    // status worth reporting.
    if (const auto start = StartType(service.get())) result.detail += ", " + *start;
    return result;
  }

 private:
  static UniqueServiceHandle Connect() {
    return UniqueServiceHandle(::OpenSCManagerW(nullptr, nullptr, SC_MANAGER_CONNECT));
  }

  static std::optional<std::string> StartType(SC_HANDLE service) {
    std::vector<BYTE> buffer(kMaxConfigBytes);
    DWORD needed = 0;
    if (!::QueryServiceConfigW(service, reinterpret_cast<QUERY_SERVICE_CONFIGW*>(buffer.data()),
                               kMaxConfigBytes, &needed)) {
      return std::nullopt;
    }
    const auto* config = reinterpret_cast<const QUERY_SERVICE_CONFIGW*>(buffer.data());
    SERVICE_DELAYED_AUTO_START_INFO delayed{};
    const bool is_delayed =
        config->dwStartType == SERVICE_AUTO_START &&
        ::QueryServiceConfig2W(service, SERVICE_CONFIG_DELAYED_AUTO_START_INFO,
                               reinterpret_cast<BYTE*>(&delayed), sizeof delayed, &needed) &&
        delayed.fDelayedAutostart;
    return std::string(StartWord(config->dwStartType, is_delayed));
  }
};

}  // namespace

// The Windows SCM answers directly; the runner is for service managers behind a command.
std::unique_ptr<ServiceManager> MakeServiceManager(ProcessRunner& /*runner*/) {
  return std::make_unique<ScmServiceManager>();
}

}  // namespace preflight

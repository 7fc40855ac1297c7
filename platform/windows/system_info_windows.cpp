#include <windows.h>

#include <memory>
#include <optional>
#include <string>

#include "platform/system_info.h"
#include "platform/windows/win32_util.h"

namespace preflight {
namespace {

// ntdll's RtlGetVersion tells the true version; GetVersionEx lies to programs without a
// compatibility manifest (https://learn.microsoft.com/windows-hardware/drivers/ddi/wdm/
// nf-wdm-rtlgetversion). It is looked up at run time: its declaration is in the driver kit.
using RtlGetVersionFunction = LONG(WINAPI*)(OSVERSIONINFOW*);

std::optional<OSVERSIONINFOW> RtlVersion() {
  HMODULE ntdll = ::GetModuleHandleW(L"ntdll.dll");
  if (ntdll == nullptr) return std::nullopt;
  // Through void(*)(): the one function pointer type GCC's -Wcast-function-type lets any convert
  // to.
  const auto function = reinterpret_cast<RtlGetVersionFunction>(
      reinterpret_cast<void (*)()>(::GetProcAddress(ntdll, "RtlGetVersion")));
  if (function == nullptr) return std::nullopt;
  OSVERSIONINFOW info{};
  info.dwOSVersionInfoSize = sizeof info;
  if (function(&info) != 0) return std::nullopt;  // STATUS_SUCCESS is 0
  return info;
}

// The names uname -m prints, so that one fleet query matches Linux and Windows hosts alike.
std::string ArchName(WORD architecture) {
  switch (architecture) {
    case PROCESSOR_ARCHITECTURE_AMD64:
      return "x86_64";
    case PROCESSOR_ARCHITECTURE_ARM64:
      return "aarch64";
    case PROCESSOR_ARCHITECTURE_INTEL:
      return "i686";
    case PROCESSOR_ARCHITECTURE_ARM:
      return "arm";
    default:
      return std::string("unknown (") + std::to_string(architecture) + ")";
  }
}

class WindowsSystemInfo final : public SystemInfo {
 public:
  // sysname "Windows", nodename the DNS host name, release "10.0.20348" (major.minor.build),
  // machine as uname -m names it.
  Result<UnameInfo> Uname() const override {
    UnameInfo info;
    info.sysname = "Windows";
    wchar_t name[256] = {};  // a DNS host name has at most 63 characters (RFC 1035)
    DWORD size = 256;
    if (!::GetComputerNameExW(ComputerNameDnsHostname, name, &size)) {
      return win32::LastError("cannot read the computer name", "");
    }
    info.nodename = win32::Narrow(std::wstring_view(name, size));
    const auto version = RtlVersion();
    if (!version) return MakeError(ErrorKind::kOther, "RtlGetVersion failed");
    info.release = std::to_string(version->dwMajorVersion) + "." +
                   std::to_string(version->dwMinorVersion) + "." +
                   std::to_string(version->dwBuildNumber);
    SYSTEM_INFO system{};
    // Native: a 32-bit agent under WOW64 would otherwise see an x86 machine.
    ::GetNativeSystemInfo(&system);
    info.machine = ArchName(system.wProcessorArchitecture);
    return info;
  }

  // Windows has no glibc; the C runtime ships with the OS and has no version of its own to check.
  std::optional<std::string> LibcVersion() const override { return std::nullopt; }

  unsigned OnlineCpus() const override {
    // Across every processor group: GetSystemInfo counts only the caller's group (64 at most).
    const DWORD n = ::GetActiveProcessorCount(ALL_PROCESSOR_GROUPS);
    return static_cast<unsigned>(n);
  }

  // An elevated token: an administrator under UAC without elevation cannot read what the checks
  // read (the ATP status key, the minifilter list), so that does not count.
  bool IsPrivileged() const override {
    HANDLE raw = nullptr;
    if (!::OpenProcessToken(::GetCurrentProcess(), TOKEN_QUERY, &raw)) return false;
    const win32::UniqueHandle token(raw);
    TOKEN_ELEVATION elevation{};
    DWORD size = 0;
    if (!::GetTokenInformation(token.get(), TokenElevation, &elevation, sizeof elevation, &size)) {
      return false;
    }
    return elevation.TokenIsElevated != 0;
  }
};

}  // namespace

std::unique_ptr<SystemInfo> MakeSystemInfo() { return std::make_unique<WindowsSystemInfo>(); }

}  // namespace preflight

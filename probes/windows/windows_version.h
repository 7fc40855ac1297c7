#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace preflight {

class Registry;

// HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion, as far as the checks need it.
struct WindowsVersion {
  std::string product_name;            // ProductName: "Windows Server 2019 Datacenter"
  std::optional<std::uint32_t> build;  // CurrentBuildNumber (else CurrentBuild): 17763
  std::optional<std::uint32_t> ubr;    // UBR, the update revision: 17763.5122
  std::string edition_id;              // EditionID: "ServerDatacenter", "ServerRdsh", ...
  std::string installation_type;       // InstallationType: "Server", "Server Core", "Client"
  std::string display_version;         // DisplayVersion (20H2+), else ReleaseId
  std::string error;                   // why the key could not be read; empty when it was
};

inline constexpr const char* kCurrentVersionKey = "SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion";

// Reads the version key; a missing value stays empty, a missing key fills `error`.
WindowsVersion ReadWindowsVersion(const Registry& registry);

// What the version means for MDE through Defender for Cloud (reference/windows.md §2).
enum class WindowsSupport { kSupported, kUnsupported, kUnknown };
struct WindowsRelease {
  std::string name;  // "Windows Server 2019", "Windows 11 Enterprise multi-session", ...
  WindowsSupport support = WindowsSupport::kUnknown;
  std::string reason;  // why unsupported or unknown; empty when supported
  bool server = false;
  bool downlevel = false;  // Server 2012 R2 / 2016: the unified agent (md4ws.msi) path
};

// Pure. Servers by build: 9600 2012 R2, 14393 2016, 17763 2019, 20348 2022, 26100 2025, other
// builds from 17134 on Semi-Annual Channel releases; older are unsupported (2008 R2 only via MMA,
// 2012 not at all). Hyper-V Server is unsupported; clients only as Enterprise multi-session (AVD).
WindowsRelease ClassifyWindows(const WindowsVersion& version);

}  // namespace preflight

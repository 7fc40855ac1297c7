#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "probes/check.h"
#include "probes/windows/windows_version.h"
#include "probes/windows/winhttp_settings.h"

namespace preflight {

// What windows.prerequisites reads, as plain data; nullopt where a value is absent or unreadable.
struct PrerequisitesFacts {
  WindowsVersion version;
  std::optional<bool> cbs_reboot_pending;  // Component Based Servicing\RebootPending exists
  std::optional<bool> wu_reboot_required;  // WindowsUpdate\Auto Update\RebootRequired exists
  std::size_t pending_renames = 0;         // non-empty entries of PendingFileRenameOperations
  // Server 2012 R2: the KBs the Component Based Servicing package names carry ("KB2919355"), and
  // whether the UCRT (KB2999226) installed ucrtbase.dll.
  bool packages_listed = false;
  bool packages_truncated = false;
  std::string packages_error;
  std::set<std::string> kbs;
  bool ucrt = false;
  std::optional<std::uint32_t> tls12_enabled;              // SCHANNEL TLS 1.2 Client!Enabled
  std::optional<std::uint32_t> tls12_disabled_by_default;  // ...!DisabledByDefault
  std::optional<std::uint32_t> strong_crypto;              // .NET 4 SchUseStrongCrypto
  std::optional<WinHttpProxy> winhttp;                     // nullopt when not set
  std::optional<std::string> telemetry_proxy;              // TelemetryProxyServer, trimmed
  std::optional<std::uint32_t> disable_enterprise_auth_proxy;
};

enum class PrerequisiteIssue {
  kVersionUnknown,
  kRebootPending,  // a failure on 2012 R2 / 2016: md4ws.msi stops with error 12
  kFileRenamesPending,
  kUpdateLevelUnknown,  // 2016 without UBR
  kUpdateLevelTooOld,   // 2016 before KB4457127
  kUpdatesUnlisted,     // 2012 R2: the CBS packages could not be listed
  kKb2919355Missing,
  kUcrtMissing,
  kTls12Off,
  kDotNetWeakCrypto,  // 2012 R2 / 2016: .NET 4 defaults to TLS 1.0
  kWinHttpUnreadable,
  kTelemetryProxyMalformed,
};

struct PrerequisiteFinding {
  PrerequisiteIssue issue;
  Status status;  // kFail or kWarn
};

struct PrerequisitesVerdict {
  WindowsRelease release;
  std::vector<PrerequisiteFinding> findings;  // in the order they are reported
};

// Policy: missing 2012 R2 / 2016 updates, a pending reboot on those, TLS 1.2 off -> fail; pending
// file renames or a pending reboot elsewhere, .NET without strong crypto on downlevel, unreadable
// or malformed proxy settings, an unknown version or update level -> warn. Pure.
PrerequisitesVerdict EvaluatePrerequisites(const PrerequisitesFacts& facts);

// windows.prerequisites: what MDE's installer and Sense need from the system: the 2012 R2 / 2016
// update chain, no pending reboot, TLS 1.2, and the WinHTTP / telemetry proxy Sense will use.
class PrerequisitesCheck final : public Check {
 public:
  CheckResult Run(const Context& ctx) const override;
};

}  // namespace preflight

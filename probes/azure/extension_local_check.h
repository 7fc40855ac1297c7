#pragma once

#include "probes/check.h"
#include "probes/common/local_extension.h"

namespace preflight {

// What azure.extension.local concludes from the MDE extension as it lies on the machine.
enum class LocalExtensionState {
  kNotDeployed,     // no handler directory
  kUnreadable,      // the extension folders could not be listed
  kSucceeded,       // the status file says success
  kFailedUpgrade,   // success, but the guest agent's last upgrade of it failed
  kFailed,          // error, a malformed status file included (the agent reports it as error)
  kTransitioning,   // still installing or enabling, or no status for the newest settings yet
  kWarning,         // the extension reports a warning
  kNoUsableStatus,  // the status file could not be read, or reported nothing
};

// Why a failed extension failed, the most specific first: the handler's own exit code (no
// Python, noexec, unsupported OS), else the installer's exit code from its log.
enum class FailureCause { kUnexplained, kHandlerExit, kInstallerExit };

struct LocalExtensionVerdict {
  Status status = Status::kSkip;
  LocalExtensionState state = LocalExtensionState::kNotDeployed;
  FailureCause cause = FailureCause::kUnexplained;
};

// The policy, the same on every OS: not deployed -> skip; folders unreadable -> warn; success ->
// pass (warn on FailedUpgrade); error -> fail; transitioning, warning or no usable status -> warn.
// Pure.
LocalExtensionVerdict EvaluateLocalExtension(const LocalExtension& ext);

// The verdict in words, with the evidence and the report's `extensions[]` entry. Pure.
CheckResult DescribeLocalExtension(const LocalExtension& ext, const LocalExtensionVerdict& verdict);

// azure.extension.local: what the MDE VM extension (MDE.Linux, MDE.Windows) left on this machine,
// on Azure VMs and Arc-enabled servers alike, read the OS's way (LocalMdeExtensionOf) and judged
// the same way everywhere. azure.extension compares ARM's view with the same facts. Fills
// `extensions[]`.
class ExtensionLocalCheck final : public Check {
 public:
  CheckResult Run(const Context& ctx) const override;
};

}  // namespace preflight

#pragma once

#include <optional>
#include <string_view>

#include "probes/azure/cloud_check.h"
#include "probes/azure/effective_plan.h"
#include "probes/azure/extension_parser.h"
#include "probes/common/local_extension_view.h"

namespace preflight {

// The extension as ARM reports it, in the terms azure.extension judges.
enum class ArmExtensionState {
  kFailed,         // provisioningState Failed, or a status at level Error: fail
  kTransitioning,  // Creating / Updating / Deleting, or a "transitioning" status: warn
  kOtherState,     // any other provisioningState than Succeeded: warn
  kWarning,        // Succeeded with a status at level Warning: warn
  kSucceeded,      // pass
};

ArmExtensionState ClassifyExtension(const ArmExtension& ext);

// ARM has no MDE extension for the machine: what that means.
struct AbsentFacts {
  std::optional<bool> onboarded_locally;               // MDE onboarded on the machine
  cloud::PlanLevel plan = cloud::PlanLevel::kUnknown;  // the plan that applies to the machine
};

enum class AbsentVerdict {
  kInstalledOtherwise,  // MDE onboarded without the extension: warn
  kNeverDeployed,       // Defender for Servers off: nothing will deploy it: fail
  kPendingOnPlan,       // a plan is on: Defender for Cloud should deploy it: warn
  kPending,             // plan unknown: warn
};

AbsentVerdict DecideAbsent(const AbsentFacts& facts);

// ARM's view against the extension's status files on the machine.
enum class LocalComparison {
  kNotCompared,     // this platform does not read the local view, or nothing to compare
  kLeftoverFolder,  // ARM has no extension, its folder is on the machine: warn
  kNoLocalFolder,   // ARM has one, the machine has no folder: note
  kLocalError,      // ARM says succeeded, the local status says error: warn
  kLocalRecovered,  // ARM says failed, the local status says success: note
  kAgree,
};

// `ext` is nullptr when ARM has no such extension.
LocalComparison CompareWithLocal(const ArmExtension* ext, const LocalExtensionView& local);

// azure.extension: the MDE.Linux / MDE.Windows extension as ARM sees it (Compute shape on an
// Azure VM, HybridCompute shape on an Arc machine), compared with what the extension left on the
// machine. Failed -> fail, explained by the installer's exit code when the message carries one;
// absent -> warn, or fail when the plan that applies to the machine is Free (nothing will deploy
// it). Fills cloud.extension_provisioning_state.
class ExtensionCheck final : public cloud::CloudCheck {
 private:
  std::string_view Subject() const override { return "the MDE extension's state"; }
  std::string_view Fallback() const override { return "The MDE extension's state was read."; }
  std::optional<CheckResult> NotApplicable(const Context& ctx) const override;
  std::optional<CheckResult> Unprepared(const Context& ctx) const override;
  void Examine(cloud::CloudRun& run) const override;
};

}  // namespace preflight

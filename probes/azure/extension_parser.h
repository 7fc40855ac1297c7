#pragma once

// Pure parser of the MDE.Linux / MDE.Windows extension as ARM returns it (reference/azure.md
// section 5): the Compute shape (2024-07-01, `$expand=instanceView`, instanceView.statuses[];
// examples/virtualMachineExamples/VirtualMachineExtension_Get_MaximumSet_Gen.json) and the
// HybridCompute (Arc) shape (2024-07-10, one instanceView.status object, level "Information";
// examples/extension/Extension_Get.json). Azure/azure-rest-api-specs, read 2026-12.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace preflight {

struct ArmInstanceStatus {
  std::string code;   // "ProvisioningState/failed/5" (VM), "success" / "failed" (Arc)
  std::string level;  // normalised: "Info" (also for Arc's "Information"), "Warning", "Error"
  std::string display_status;
  std::string message;
  std::string time;  // RFC 3339
};

struct ArmExtension {
  bool valid = false;
  std::string error;
  std::string name;
  std::string publisher;
  std::string type;
  std::string provisioning_state;  // "Succeeded", "Failed", "Creating", "Updating", "Deleting"
  std::string handler_version;     // instanceView.typeHandlerVersion, else typeHandlerVersion
  bool has_instance_view = false;
  std::vector<ArmInstanceStatus> statuses;  // VM statuses[], or Arc's single status
  std::vector<ArmInstanceStatus> substatuses;

  // The worst level among statuses and substatuses: "Error", "Warning", "Info", or empty.
  std::string WorstLevel() const;
  // When the extension last reported success: the latest time of its statuses at level Info
  // (the VM's instanceView.statuses[], e.g. "ProvisioningState/succeeded"; Arc's one
  // instanceView.status, "success"), only when provisioningState is Succeeded; empty otherwise.
  // A status's time is when the handler last reported, whatever the state: an extension still
  // Creating carries the time of its last report too (VirtualMachineExtension_Get_MaximumSet_Gen,
  // 2024-07-01: provisioningState Creating, status time 2021-11-30), so it says nothing about when
  // MDE was onboarded. Substatuses are the handler's own messages and are not read.
  std::string SucceededAt() const;
};

ArmExtension ParseArmExtension(const nlohmann::json& body);

// Info | Information -> "Info"; Warning; Error; anything else as given.
std::string NormalizeLevel(std::string_view level);

// The mde_installer.sh exit code in an extension status message, tried in this order: an
// ERR_<NAME> of the installer's codes table ("ERR_CONFLICTING_APPS"), "exited with N" / "exit code
// N" / "exit code: N", then word 16 (counting from 0) when numeric, which is how the MDC repo's
// MDEExtErrorReport.ps1 parses it (azure.md section 5). nullopt when none is a known code.
std::optional<int> InstallerExitCodeInMessage(std::string_view message);

}  // namespace preflight

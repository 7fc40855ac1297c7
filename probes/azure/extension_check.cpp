#include "probes/azure/extension_check.h"

#include "probes/azure/arm_reads.h"
#include "probes/azure/json_fields.h"
#include "probes/common/facts.h"
#include "probes/common/mde_installer_log.h"

namespace preflight {
namespace {

using Json = nlohmann::json;
using arm_json::EqualsIgnoreCase;

// The value of cloud.extension_provisioning_state when ARM has no such extension.
constexpr const char* kAbsent = "Absent";

Json StringOrNull(const std::string& value) { return value.empty() ? Json() : Json(value); }

// The message that explains the state: the first Error status, else the first status.
std::string MainMessage(const ArmExtension& ext) {
  for (const auto* list : {&ext.statuses, &ext.substatuses}) {
    for (const ArmInstanceStatus& s : *list) {
      if (s.level == "Error" && !s.message.empty()) return s.message;
    }
  }
  return ext.statuses.empty() ? std::string() : ext.statuses.front().message;
}

std::optional<int> InstallerCode(const ArmExtension& ext) {
  for (const auto* list : {&ext.statuses, &ext.substatuses}) {
    for (const ArmInstanceStatus& s : *list) {
      if (auto code = InstallerExitCodeInMessage(s.message)) return code;
    }
  }
  return std::nullopt;
}

Json ExtensionEvidence(const ArmExtension& ext, bool arc) {
  Json statuses = Json::array();
  for (const auto* list : {&ext.statuses, &ext.substatuses}) {
    for (const ArmInstanceStatus& s : *list) {
      statuses.push_back({{"code", s.code},
                          {"level", s.level},
                          {"display_status", s.display_status},
                          {"message", cloud::OneLine(s.message, 1024)},
                          {"time", StringOrNull(s.time)}});
    }
  }
  return {{"shape", arc ? "arc" : "vm"},
          {"name", ext.name},
          {"publisher", ext.publisher},
          {"provisioning_state", StringOrNull(ext.provisioning_state)},
          {"level", StringOrNull(ext.WorstLevel())},
          {"handler_version", StringOrNull(ext.handler_version)},
          {"instance_view", ext.has_instance_view},
          {"statuses", std::move(statuses)}};
}

Json LocalEvidence(const LocalExtensionView& local) {
  if (!local.read) return {{"read", false}, {"note", local.note}};
  Json out = {{"read", true}, {"found", local.found}};
  if (local.found) {
    out.update({{"version", local.version},
                {"status", local.status},
                {"timestamp_utc", StringOrNull(local.timestamp_utc)},
                {"installer_exit_code",
                 local.installer_exit_code ? Json(*local.installer_exit_code) : Json()}});
  }
  return out;
}

// Why the extension failed, as far as its messages (or the local installer log) say: the summary
// tail and the remediation.
std::pair<std::string, std::string> ExplainFailure(const ArmExtension& ext,
                                                   const LocalExtensionView& local,
                                                   Json& evidence) {
  std::optional<int> code = InstallerCode(ext);
  if (!code && local.found && local.installer_exit_code && *local.installer_exit_code != 0) {
    code = local.installer_exit_code;  // the local installer log names what ARM's text does not
    evidence["installer_exit_code_source"] = "local_log";
  }
  if (code) {
    evidence["installer_exit_code"] = *code;
    if (const ExitCodeInfo* info = InstallerExitCode(*code)) {
      evidence["installer_error"] = std::string("ERR_") + info->name;
      return {"; mde_installer.sh exited with " + std::to_string(*code) + " (ERR_" + info->name +
                  "): " + info->meaning,
              info->remediation};
    }
  } else if (const auto handler = ExtensionExitCodeFromMessage(MainMessage(ext))) {
    evidence["handler_exit_code"] = *handler;
    if (const ExitCodeInfo* info = ExtensionExitCode(*handler)) {
      return {
          "; the extension handler exited with " + std::to_string(*handler) + ": " + info->meaning,
          info->remediation};
    }
  }
  return {"",
          "Read the extension's log on the machine and fix the cause; Defender for Cloud retries "
          "the extension."};
}

void WordFailure(cloud::CloudRun& run, const std::string& name, const ArmExtension& ext,
                 const LocalExtensionView& local) {
  const std::string message = cloud::OneLine(MainMessage(ext));
  const auto [why, remediation] = ExplainFailure(ext, local, run.evidence);
  run.findings.Add(
      Status::kFail,
      "The " + name + " extension failed (provisioningState " +
          (ext.provisioning_state.empty() ? "unknown" : ext.provisioning_state) + ")" +
          (message.empty() ? "" : ": " + message) + why + ".",
      remediation + " Logs: /var/log/azure/Microsoft.Azure.AzureDefenderForServers." + name +
          "/ (Linux), C:\\WindowsAzure\\Logs\\Plugins\\Microsoft.Azure.AzureDefenderForServers." +
          name + " (Windows).");
}

void WordPresent(cloud::CloudRun& run, const std::string& name, const ArmExtension& ext,
                 const LocalExtensionView& local) {
  const std::string version = ext.handler_version.empty() ? "" : " " + ext.handler_version;
  const std::string the = "The " + name + " extension" + version;
  switch (ClassifyExtension(ext)) {
    case ArmExtensionState::kFailed:
      WordFailure(run, name, ext, local);
      return;
    case ArmExtensionState::kTransitioning:
      run.findings.Add(
          Status::kWarn,
          the + " is still being deployed (provisioningState " + ext.provisioning_state + ").",
          "Wait for it to finish and run the check again.");
      return;
    case ArmExtensionState::kOtherState:
      run.findings.Add(Status::kWarn,
                       the + " is in provisioningState \"" + ext.provisioning_state + "\".",
                       "Look at the machine's Extensions blade in the Azure portal.");
      return;
    case ArmExtensionState::kWarning:
      run.findings.Add(Status::kWarn,
                       the + " succeeded with a warning: " + cloud::OneLine(MainMessage(ext)) + ".",
                       "Read the extension's status message and log on the machine.");
      return;
    case ArmExtensionState::kSucceeded:
      run.pass = the + " is provisioned (Succeeded) according to Azure.";
      if (!ext.has_instance_view) {
        run.findings.Note(
            "ARM returned no instance view, so only the provisioning state is known.");
      }
      return;
  }
}

void WordAbsent(cloud::CloudRun& run, const std::string& name, AbsentVerdict verdict) {
  const std::string base = "The machine has no " + name + " extension in Azure";
  switch (verdict) {
    case AbsentVerdict::kInstalledOtherwise:
      run.findings.Add(Status::kWarn,
                       base +
                           ", but MDE is onboarded on it (installed by other means): Defender "
                           "for Cloud does not manage its MDE.",
                       "Nothing blocks MDE; to let Defender for Cloud manage it, keep Defender for "
                       "Servers and the WDATP integration on and the extension will be added.");
      return;
    case AbsentVerdict::kNeverDeployed:
      run.findings.Add(Status::kFail,
                       base + " and none will be deployed: Defender for Servers is off (Free).",
                       "Enable Defender for Servers Plan 1 or Plan 2 and the Defender for Endpoint "
                       "integration (see azure.plan and azure.integration).");
      return;
    case AbsentVerdict::kPendingOnPlan:
    case AbsentVerdict::kPending:
      run.findings.Add(
          Status::kWarn,
          base + " yet" +
              (verdict == AbsentVerdict::kPendingOnPlan
                   ? "; Defender for Servers is on, so Defender for Cloud should deploy it (within "
                     "about an hour, up to 12 hours for a new subscription)"
                   : "") +
              ".",
          "Check azure.integration (WDATP must be on); if it stays absent, deploy " + name +
              " from the machine's Extensions blade or re-enable the integration.");
      return;
  }
}

void WordComparison(cloud::CloudRun& run, const std::string& name, LocalComparison comparison,
                    const LocalExtensionView& local) {
  switch (comparison) {
    case LocalComparison::kNotCompared:
      if (!local.read && !local.note.empty()) {
        run.findings.Note("Not compared with the machine: " + local.note + ".");
      }
      return;
    case LocalComparison::kLeftoverFolder:
      run.findings.Add(Status::kWarn,
                       "The " + name +
                           " extension's folder is on the machine "
                           "(version " +
                           local.version + ", status " + local.status +
                           ") although Azure lists no such extension: it was "
                           "removed from the resource, or the folder is a leftover.");
      return;
    case LocalComparison::kNoLocalFolder:
      run.findings.Note(
          "The extension's local folder was not found on this machine, so ARM's view could not "
          "be compared with it.");
      return;
    case LocalComparison::kLocalError:
      run.findings.Add(
          Status::kFail,
          "Azure reports the " + name + " extension as succeeded, but its local status is error" +
              (local.message.empty() ? "" : " (" + cloud::OneLine(local.message) + ")") +
              ": the last run failed after Azure's last report (see azure.extension.local).",
          "See azure.extension.local for the local failure.");
      return;
    case LocalComparison::kLocalRecovered:
      run.findings.Note("The local status file says success (written " + local.timestamp_utc +
                        "): the extension may have recovered since Azure's report.");
      return;
    case LocalComparison::kAgree:
      return;
  }
}

}  // namespace

ArmExtensionState ClassifyExtension(const ArmExtension& ext) {
  if (EqualsIgnoreCase(ext.provisioning_state, "Failed") || ext.WorstLevel() == "Error") {
    return ArmExtensionState::kFailed;
  }
  for (const char* state : {"Creating", "Updating", "Deleting"}) {
    if (EqualsIgnoreCase(ext.provisioning_state, state)) return ArmExtensionState::kTransitioning;
  }
  for (const ArmInstanceStatus& s : ext.statuses) {
    if (arm_json::Lower(s.code).find("transitioning") != std::string::npos) {
      return ArmExtensionState::kTransitioning;
    }
  }
  if (!EqualsIgnoreCase(ext.provisioning_state, "Succeeded")) return ArmExtensionState::kOtherState;
  return ext.WorstLevel() == "Warning" ? ArmExtensionState::kWarning
                                       : ArmExtensionState::kSucceeded;
}

AbsentVerdict DecideAbsent(const AbsentFacts& facts) {
  if (facts.onboarded_locally == true) return AbsentVerdict::kInstalledOtherwise;
  switch (facts.plan) {
    case cloud::PlanLevel::kFree:
      return AbsentVerdict::kNeverDeployed;
    case cloud::PlanLevel::kP1:
    case cloud::PlanLevel::kP2:
      return AbsentVerdict::kPendingOnPlan;
    case cloud::PlanLevel::kUnknown:
      break;
  }
  return AbsentVerdict::kPending;
}

LocalComparison CompareWithLocal(const ArmExtension* ext, const LocalExtensionView& local) {
  if (!local.read) return LocalComparison::kNotCompared;
  if (ext == nullptr) {
    return local.found ? LocalComparison::kLeftoverFolder : LocalComparison::kNotCompared;
  }
  if (!local.found) return LocalComparison::kNoLocalFolder;
  const ArmExtensionState state = ClassifyExtension(*ext);
  const bool arm_ok =
      EqualsIgnoreCase(ext->provisioning_state, "Succeeded") && state != ArmExtensionState::kFailed;
  if (arm_ok && local.status == "error") return LocalComparison::kLocalError;
  if (state == ArmExtensionState::kFailed && local.status == "success") {
    return LocalComparison::kLocalRecovered;
  }
  return LocalComparison::kAgree;
}

std::optional<CheckResult> ExtensionCheck::NotApplicable(const Context& ctx) const {
  if (ctx.cloud->machine.kind != azure::EnvironmentKind::kOther) return std::nullopt;
  return cloud::OutsideAzure(
      "Not applicable: the machine is outside Azure, so it has no VM extension (direct "
      "onboarding installs MDE without one).");
}

std::optional<CheckResult> ExtensionCheck::Unprepared(const Context& ctx) const {
  if (!cloud::MachineResourceId(*ctx.cloud).empty()) return std::nullopt;
  return cloud::Settled(Status::kWarn,
                        "Could not learn the MDE extension's state: the metadata service did not "
                        "give the machine's resource id.",
                        "no_resource_id",
                        "See environment in the report for why the metadata service was not "
                        "reached.");
}

void ExtensionCheck::Examine(cloud::CloudRun& run) const {
  const std::string& resource = cloud::MachineResourceId(run.access);
  const std::string name = cloud::ExtensionName(run.ctx);
  const cloud::ExtensionRead read = cloud::ReadMachineExtension(run.arm, resource, name);
  const LocalExtensionView& local = LocalExtensionOf(run.ctx);
  run.evidence = {{"resource_id", resource}, {"extension", name}, {"local", LocalEvidence(local)}};
  run.fields = {{"extension_provisioning_state", nullptr}};
  if (read.error) {
    run.errors.Add(run.findings, *read.error, "the " + name + " extension's state");
    return;
  }
  const ArmExtension* ext = read.extension ? &*read.extension : nullptr;
  run.evidence["present"] = ext != nullptr;
  if (ext == nullptr) {
    // Whether the extension will come depends on the plan that applies to the machine.
    const AbsentFacts facts{
        MdeStateOf(run.ctx).onboarded,
        cloud::ReadEffectivePlan(run.arm, cloud::SubscriptionOf(run.access), resource)
            .plan.Level()};
    run.fields["extension_provisioning_state"] = kAbsent;
    run.evidence["plan"] = facts.plan == cloud::PlanLevel::kUnknown ? Json()
                           : facts.plan == cloud::PlanLevel::kFree  ? Json("Free")
                                                                    : Json("Standard");
    run.evidence["mde_onboarded_locally"] =
        facts.onboarded_locally ? Json(*facts.onboarded_locally) : Json();
    WordAbsent(run, name, DecideAbsent(facts));
  } else {
    run.evidence.update(ExtensionEvidence(*ext, read.arc));
    run.fields["extension_provisioning_state"] = StringOrNull(ext->provisioning_state);
    WordPresent(run, name, *ext, local);
  }
  WordComparison(run, name, CompareWithLocal(ext, local), local);
}

}  // namespace preflight

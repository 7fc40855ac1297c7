#include "probes/azure/extension_check.h"

#include "probes/azure/arm_reads.h"
#include "probes/azure/cloud_check_support.h"
#include "probes/azure/json_fields.h"
#include "probes/common/facts.h"
#include "probes/common/mde_installer_log.h"

namespace preflight {
namespace {

using Json = nlohmann::json;
using arm_json::EqualsIgnoreCase;

constexpr std::string_view kId = "azure.extension";
// The value of cloud.extension_provisioning_state when ARM has no such extension.
constexpr const char* kAbsent = "Absent";

Json StringOrNull(const std::string& value) { return value.empty() ? Json() : Json(value); }

bool IsTransitioning(const ArmExtension& ext) {
  for (const char* state : {"Creating", "Updating", "Deleting"}) {
    if (EqualsIgnoreCase(ext.provisioning_state, state)) return true;
  }
  for (const ArmInstanceStatus& s : ext.statuses) {
    if (arm_json::Lower(s.code).find("transitioning") != std::string::npos) return true;
  }
  return false;
}

bool IsFailed(const ArmExtension& ext) {
  return EqualsIgnoreCase(ext.provisioning_state, "Failed") || ext.WorstLevel() == "Error";
}

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

void JudgeFailure(Findings& findings, const std::string& name, const ArmExtension& ext,
                  const LocalExtensionView& local, Json& evidence) {
  const std::string message = cloud::OneLine(MainMessage(ext));
  std::string summary = "The " + name + " extension failed (provisioningState " +
                        (ext.provisioning_state.empty() ? "unknown" : ext.provisioning_state) +
                        ")" + (message.empty() ? "" : ": " + message);
  std::optional<int> code = InstallerCode(ext);
  if (!code && local.found && local.installer_exit_code && *local.installer_exit_code != 0) {
    code = local.installer_exit_code;  // the local installer log names what ARM's text does not
    evidence["installer_exit_code_source"] = "local_log";
  }
  std::string remediation;
  if (code) {
    evidence["installer_exit_code"] = *code;
    if (const ExitCodeInfo* info = InstallerExitCode(*code)) {
      evidence["installer_error"] = std::string("ERR_") + info->name;
      summary += "; mde_installer.sh exited with " + std::to_string(*code) + " (ERR_" + info->name +
                 "): " + info->meaning;
      remediation = info->remediation;
    }
  } else if (const auto handler = ExtensionExitCodeFromMessage(MainMessage(ext))) {
    evidence["handler_exit_code"] = *handler;
    if (const ExitCodeInfo* info = ExtensionExitCode(*handler)) {
      summary +=
          "; the extension handler exited with " + std::to_string(*handler) + ": " + info->meaning;
      remediation = info->remediation;
    }
  }
  if (remediation.empty()) {
    remediation =
        "Read the extension's log on the machine and fix the cause; Defender for Cloud "
        "retries the extension.";
  }
  findings.Add(Status::kFail, summary + ".",
               remediation + " Logs: /var/log/azure/Microsoft.Azure.AzureDefenderForServers." +
                   name +
                   "/ (Linux), C:\\WindowsAzure\\Logs\\Plugins\\Microsoft.Azure."
                   "AzureDefenderForServers." +
                   name + " (Windows).");
}

// The plan that decides whether an absent extension will come: the machine's, else the
// subscription's (both reads are shared with azure.plan).
std::optional<PricingInfo> PlanFor(const azure::CloudAccess& access) {
  if (auto read = cloud::ReadVmPricing(*access.arm, access.machine.resource_id); read.pricing) {
    return read.pricing;
  }
  const std::string sub = cloud::SubscriptionOf(access);
  if (sub.empty()) return std::nullopt;
  return cloud::ReadVmPricing(*access.arm, "/subscriptions/" + sub).pricing;
}

void JudgeAbsent(const Context& ctx, Findings& findings, const std::string& name, Json& evidence) {
  const std::optional<PricingInfo> plan = PlanFor(*ctx.cloud);
  const MdeState& mde = MdeStateOf(ctx);
  evidence["plan"] = plan ? Json(plan->IsStandard() ? "Standard" : "Free") : Json();
  evidence["mde_onboarded_locally"] = mde.onboarded ? Json(*mde.onboarded) : Json();
  const std::string base = "The machine has no " + name + " extension in Azure";
  if (mde.onboarded == true) {
    findings.Add(Status::kWarn,
                 base +
                     ", but MDE is onboarded on it (installed by other means): Defender for "
                     "Cloud does not manage its MDE.",
                 "Nothing blocks MDE; to let Defender for Cloud manage it, keep Defender for "
                 "Servers and the WDATP integration on and the extension will be added.");
  } else if (plan && !plan->IsStandard()) {
    findings.Add(Status::kFail,
                 base + " and none will be deployed: Defender for Servers is off (Free).",
                 "Enable Defender for Servers Plan 1 or Plan 2 and the Defender for Endpoint "
                 "integration (see azure.plan and azure.integration).");
  } else {
    findings.Add(Status::kWarn,
                 base + " yet" +
                     (plan ? "; Defender for Servers is on, so Defender for Cloud should deploy "
                             "it (within about an hour, up to 12 hours for a new subscription)"
                           : "") +
                     ".",
                 "Check azure.integration (WDATP must be on); if it stays absent, deploy " + name +
                     " from the machine's Extensions blade or re-enable the integration.");
  }
}

void CompareWithLocal(Findings& findings, const std::string& name, const ArmExtension* ext,
                      const LocalExtensionView& local) {
  if (!local.read) {
    if (!local.note.empty()) findings.Note("Not compared with the machine: " + local.note + ".");
    return;
  }
  if (ext == nullptr) {
    if (local.found) {
      findings.Add(Status::kWarn,
                   "The " + name + " extension's folder is on the machine (version " +
                       local.version + ", status " + local.status +
                       ") although Azure lists no such extension: it was removed from the "
                       "resource, or the folder is a leftover.");
    }
    return;
  }
  if (!local.found) {
    findings.Note(
        "The extension's local folder was not found on this machine, so ARM's view "
        "could not be compared with it.");
    return;
  }
  const bool arm_ok = EqualsIgnoreCase(ext->provisioning_state, "Succeeded") && !IsFailed(*ext);
  if (arm_ok && local.status == "error") {
    findings.Add(Status::kFail,
                 "Azure reports the " + name +
                     " extension as succeeded, but its local status "
                     "is error" +
                     (local.message.empty() ? "" : " (" + cloud::OneLine(local.message) + ")") +
                     ": the last run failed after Azure's last report (see azure.extension.local).",
                 "See azure.extension.local for the local failure.");
  } else if (IsFailed(*ext) && local.status == "success") {
    findings.Note("The local status file says success (written " + local.timestamp_utc +
                  "): the extension may have recovered since Azure's report.");
  }
}

}  // namespace

CheckResult ExtensionCheck::Run(const Context& ctx) const {
  if (auto early = cloud::WithoutArm(ctx, kId, "the MDE extension's state")) return *early;
  return cloud::Guarded("the MDE extension", [&] {
    const azure::CloudAccess& access = *ctx.cloud;
    const std::string& resource = cloud::MachineResourceId(access);
    CheckResult result;
    if (resource.empty()) {
      if (access.machine.kind == azure::EnvironmentKind::kOther) {
        result.status = Status::kSkip;
        result.summary =
            "Not applicable: the machine is outside Azure, so it has no VM "
            "extension (direct onboarding installs MDE without one).";
        result.evidence = {{"reason", "not_an_azure_resource"}};
      } else {
        result.status = Status::kWarn;
        result.summary =
            "Could not learn the MDE extension's state: the metadata service did "
            "not give the machine's resource id.";
        result.remediation =
            "See environment in the report for why the metadata service was "
            "not reached.";
        result.evidence = {{"reason", "no_resource_id"}};
      }
      return result;
    }
    Findings findings;
    std::string pass;  // the summary when nothing is wrong
    cloud::CloudErrors errors(access, std::string(kId));
    const std::string name = cloud::ExtensionName(ctx);
    const cloud::ExtensionRead read = cloud::ReadMachineExtension(*access.arm, resource, name);
    Json evidence = {{"resource_id", resource}, {"extension", name}};
    Json fields = {{"extension_provisioning_state", nullptr}};
    const LocalExtensionView& local = LocalExtensionOf(ctx);
    evidence["local"] = LocalEvidence(local);
    if (read.error) {
      errors.Add(findings, *read.error, "the " + name + " extension's state");
    } else if (read.not_found) {
      fields["extension_provisioning_state"] = kAbsent;
      evidence["present"] = false;
      JudgeAbsent(ctx, findings, name, evidence);
      CompareWithLocal(findings, name, nullptr, local);
    } else {
      const ArmExtension& ext = *read.extension;
      evidence["present"] = true;
      evidence.update(ExtensionEvidence(ext, read.arc));
      fields["extension_provisioning_state"] = StringOrNull(ext.provisioning_state);
      const std::string version = ext.handler_version.empty() ? "" : " " + ext.handler_version;
      if (IsFailed(ext)) {
        JudgeFailure(findings, name, ext, local, evidence);
      } else if (IsTransitioning(ext)) {
        findings.Add(Status::kWarn,
                     "The " + name + " extension" + version +
                         " is still being deployed "
                         "(provisioningState " +
                         ext.provisioning_state + ").",
                     "Wait for it to finish and run the check again.");
      } else if (!EqualsIgnoreCase(ext.provisioning_state, "Succeeded")) {
        findings.Add(Status::kWarn,
                     "The " + name + " extension" + version + " is in provisioningState \"" +
                         ext.provisioning_state + "\".",
                     "Look at the machine's Extensions blade in the Azure portal.");
      } else if (ext.WorstLevel() == "Warning") {
        findings.Add(Status::kWarn,
                     "The " + name + " extension" + version +
                         " succeeded with a warning: " + cloud::OneLine(MainMessage(ext)) + ".",
                     "Read the extension's status message and log on the machine.");
      } else {
        pass = ("The " + name + " extension" + version +
                " is provisioned (Succeeded) according to Azure.");
        if (!ext.has_instance_view) {
          findings.Note("ARM returned no instance view, so only the provisioning state is known.");
        }
      }
      CompareWithLocal(findings, name, &ext, local);
    }
    evidence["errors"] = errors.Entries();
    result =
        cloud::Finish(findings, pass, "The MDE extension's state was read.", std::move(evidence));
    result.report = cloud::CloudContribution(std::move(fields), errors);
    return result;
  });
}

}  // namespace preflight

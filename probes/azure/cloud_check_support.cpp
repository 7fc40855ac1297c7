#include "probes/azure/cloud_check_support.h"

#include "platform/system_info.h"
#include "probes/azure/json_fields.h"
#include "probes/common/shared_cause.h"

namespace preflight::cloud {
namespace {

using Json = nlohmann::json;
using arm_json::EqualsIgnoreCase;

Json StringOrNull(const std::string& value) { return value.empty() ? Json() : Json(value); }

bool StartsWithIgnoreCase(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && EqualsIgnoreCase(text.substr(0, prefix.size()), prefix);
}

std::string Identity(const azure::CloudAccess& cloud) {
  return cloud.identity_description.empty() ? "the machine's identity"
                                            : "the " + cloud.identity_description;
}

std::string Scope(const azure::CloudAccess& cloud) {
  const std::string sub = SubscriptionOf(cloud);
  if (!sub.empty()) return "subscription " + sub;
  return cloud.machine.kind == azure::EnvironmentKind::kOther ? "the designated subscription"
                                                              : "the subscription";
}

// What gives each kind of machine an identity ARM accepts (reference/azure.md sections 1.9, 2
// and DESIGN.md's AZURE_* conventions), and the role that identity needs.
std::string IdentityRemedy(const azure::CloudAccess& cloud) {
  const std::string role = "the Security Reader role on " + Scope(cloud);
  switch (cloud.machine.kind) {
    case azure::EnvironmentKind::kAzureVm:
      return "Assign the VM a managed identity (system-assigned, or a user-assigned one named by "
             "AZURE_CLIENT_ID) and grant it " +
             role + " (Reader on the VM for its extensions).";
    case azure::EnvironmentKind::kAzureArc:
      return "Check the Arc agent (azcmagent show) and grant the Arc machine's identity " + role +
             " (Reader on the machine for its extensions).";
    case azure::EnvironmentKind::kOther:
      break;
  }
  return "Set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET for a service principal "
         "and grant it " +
         role + ".";
}

}  // namespace

std::string OneLine(std::string_view text, std::size_t max) {
  std::string line(text.substr(0, text.find_first_of("\r\n")));
  if (line.size() > max) line = line.substr(0, max) + "...";
  return line;
}

CheckResult WithoutCloud(const Context& ctx) {
  CheckResult result;
  result.status = Status::kSkip;
  result.summary = ctx.offline ? "Not checked: offline (--offline), Azure is not asked."
                               : "Not checked: Azure was not consulted in this run.";
  result.evidence = {{"reason", ctx.offline ? "offline" : "no_cloud_access"}};
  AttachCause(result,
              SharedCause{std::string(kNotAskedCause), "cloud checks",
                          ctx.offline ? "were not run: offline (--offline), Azure is not "
                                        "asked."
                                      : "were not run: Azure was not consulted in this run.",
                          ""});
  return result;
}

std::optional<CheckResult> WithoutArm(const Context& ctx, std::string_view check_id,
                                      std::string_view what) {
  if (ctx.offline || ctx.cloud == nullptr) return WithoutCloud(ctx);
  if (ctx.cloud->arm != nullptr) return std::nullopt;
  azure::ArmError error;
  if (ctx.cloud->identity_error) {
    error = *ctx.cloud->identity_error;
  } else {
    error.message = "no Azure identity is available";
  }
  if (error.code.empty()) error.code = std::string(azure::kNoIdentity);
  const std::string why =
      "no Azure identity to ask Azure Resource Manager with (" + OneLine(error.message) + ").";
  CheckResult result;
  result.status = Status::kWarn;
  result.summary = "Could not learn " + std::string(what) + ": " + why;
  result.remediation = IdentityRemedy(*ctx.cloud);
  const Json entry = ErrorEntry(check_id, error);
  result.evidence = {{"reason", "no_identity"}, {"errors", Json::array({entry})}};
  result.report = {{"cloud", {{"errors", Json::array({entry})}}}};
  AttachCause(result, SharedCause{std::string(kNoIdentityCause), "cloud checks",
                                  "could not run: " + why, result.remediation});
  return result;
}

void CloudErrors::Add(Findings& findings, const azure::ArmError& error, std::string_view what) {
  entries_.push_back(ErrorEntry(check_id_, error));
  const std::string request =
      error.request_id.empty() ? std::string() : ", request id " + error.request_id;
  if (error.code == "AuthorizationFailed") {
    const std::string action =
        error.missing_action.empty() ? "the read permission" : error.missing_action;
    const std::string role = RoleForAction(error.missing_action);
    const std::string where = StartsWithIgnoreCase(error.missing_action, "Microsoft.Security/")
                                  ? Scope(cloud_)
                                  : "the machine (or its resource group)";
    findings.Add(Status::kWarn,
                 "Could not learn " + std::string(what) + ": " + Identity(cloud_) +
                     " is not allowed to perform " + action + " (AuthorizationFailed" + request +
                     ").",
                 "Grant " + Identity(cloud_) + " the " + role + " role on " + where +
                     ", which includes " + action + ".");
    return;
  }
  std::string summary = "Could not learn " + std::string(what) + ": " + error.code;
  if (error.status != 0) summary += " (HTTP " + std::to_string(error.status) + ")";
  if (!error.message.empty()) summary += " " + OneLine(error.message);
  if (!error.request_id.empty()) summary += " (request id " + error.request_id + ")";
  summary += ".";
  std::string remediation;
  if (error.code == azure::kNoIdentity) {
    remediation =
        "Give the machine an Azure identity and grant it Security Reader on " + Scope(cloud_) + ".";
  } else if (error.code == azure::kTransport || error.code == azure::kDeadline) {
    remediation = "Check that the machine reaches Azure Resource Manager (" +
                  (cloud_.arm != nullptr ? cloud_.arm->Endpoint() : std::string("ARM")) +
                  "), directly or through the proxy, and run the check again.";
  } else {
    remediation =
        "Run the check again; if it persists, look the request id up with Azure "
        "support.";
  }
  findings.Add(Status::kWarn, std::move(summary), std::move(remediation));
}

Json CloudContribution(Json fields, const CloudErrors& errors) {
  if (!fields.is_object()) fields = Json::object();
  fields["errors"] = errors.Entries();
  return {{"cloud", std::move(fields)}};
}

CheckResult Finish(Findings& findings, const std::string& pass, const std::string& fallback,
                   Json evidence) {
  if (pass.empty()) return findings.Finish(fallback, std::move(evidence));
  if (findings.Worst() == Status::kPass) return findings.Finish(pass, std::move(evidence));
  findings.Note(pass);
  return findings.Finish(fallback, std::move(evidence));
}

azure::ArmError Malformed(const azure::ArmOutcome& outcome, std::string detail) {
  azure::ArmError error;
  error.status = outcome.status;
  error.code = std::string(azure::kMalformed);
  error.message = std::move(detail);
  error.request_id = outcome.request_id;
  return error;
}

Json ErrorEntry(std::string_view check_id, const azure::ArmError& error) {
  return {{"check", std::string(check_id)},
          {"code", error.code},
          {"message", OneLine(error.message, 1024)},
          {"request_id", StringOrNull(error.request_id)}};
}

std::string RoleForAction(std::string_view action) {
  if (StartsWithIgnoreCase(action, "Microsoft.Security/")) return "Security Reader";
  if (StartsWithIgnoreCase(action, "Microsoft.Resources/tags/")) return "Tag Contributor";
  return "Reader";
}

std::string SubscriptionOf(const azure::CloudAccess& cloud) {
  if (!cloud.machine.subscription_id.empty()) return cloud.machine.subscription_id;
  return cloud.designated_subscription;
}

const std::string& MachineResourceId(const azure::CloudAccess& cloud) {
  return cloud.machine.resource_id;
}

bool IsArcResourceId(std::string_view resource_id) {
  return arm_json::Lower(resource_id).find("/providers/microsoft.hybridcompute/machines/") !=
         std::string::npos;
}

bool IsWindowsMachine(const Context& ctx) {
  if (ctx.cloud != nullptr && !ctx.cloud->machine.os_type.empty()) {
    return EqualsIgnoreCase(ctx.cloud->machine.os_type, "Windows");
  }
  const auto uname = ctx.system.Uname();
  return uname.Ok() && EqualsIgnoreCase(uname.Value().sysname, "Windows");
}

std::string ExtensionName(const Context& ctx) {
  return IsWindowsMachine(ctx) ? "MDE.Windows" : "MDE.Linux";
}

bool IsNotFound(const azure::ArmError& error) {
  return error.status == 404 || error.code == "NotFound" || error.code == "ResourceNotFound";
}

}  // namespace preflight::cloud

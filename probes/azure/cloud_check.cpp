#include "probes/azure/cloud_check.h"

#include <utility>

#include "probes/common/shared_cause.h"

namespace preflight::cloud {

CloudRun::CloudRun(const Context& context, std::string_view check_id)
    : ctx(context),
      access(*context.cloud),
      arm(*context.cloud->arm),
      errors(*context.cloud, std::string(check_id)) {}

std::optional<CheckResult> CloudCheck::NotApplicable(const Context& /*ctx*/) const {
  return std::nullopt;
}

std::optional<CheckResult> CloudCheck::Unprepared(const Context& /*ctx*/) const {
  return std::nullopt;
}

CheckResult CloudCheck::Run(const Context& ctx) const {
  if (ctx.offline || ctx.cloud == nullptr) return WithoutCloud(ctx);
  if (auto result = NotApplicable(ctx)) return *result;
  if (auto result = WithoutArm(ctx, Id(), Subject())) return *result;
  return Guarded(Subject(), [&] {
    if (auto result = Unprepared(ctx)) return *result;
    CloudRun run(ctx, Id());
    Examine(run);
    run.evidence["errors"] = run.errors.Entries();
    CheckResult result =
        Finish(run.findings, run.pass, std::string(Fallback()), std::move(run.evidence));
    result.report = CloudContribution(std::move(run.fields), run.errors);
    return result;
  });
}

CheckResult Settled(Status status, std::string summary, std::string_view reason,
                    std::string remediation) {
  CheckResult result;
  result.status = status;
  result.summary = std::move(summary);
  result.remediation = std::move(remediation);
  result.evidence = {{"reason", std::string(reason)}};
  return result;
}

CheckResult OutsideAzure(std::string summary) {
  CheckResult result = Settled(Status::kSkip, std::move(summary), "not_an_azure_resource");
  AttachCause(result, SharedCause{std::string(kOutsideAzureCause), "cloud checks",
                                  "do not apply: the machine is outside Azure, so it has no Azure "
                                  "resource to read (direct onboarding installs MDE without a VM "
                                  "extension).",
                                  ""});
  return result;
}

std::optional<CheckResult> WithoutResourceId(const Context& ctx) {
  if (!MachineResourceId(*ctx.cloud).empty()) return std::nullopt;
  return Settled(Status::kSkip,
                 "Not checked: the metadata service did not give the machine's resource id.",
                 "no_resource_id");
}

CheckResult NoSubscription(Status status, std::string_view subject) {
  if (status == Status::kSkip) {
    return Settled(Status::kSkip,
                   "Not checked: the machine is outside Azure and no designated subscription is "
                   "configured (see azure.direct_onboarding).",
                   "no_subscription");
  }
  return Settled(status,
                 "Could not learn " + std::string(subject) +
                     ": the machine is outside Azure and no designated subscription is "
                     "configured.",
                 "no_subscription",
                 "Set designated_subscription in the config file to the subscription chosen for "
                 "direct onboarding.");
}

}  // namespace preflight::cloud

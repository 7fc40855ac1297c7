#include "probes/azure/direct_onboarding_check.h"

#include "probes/azure/arm_reads.h"
#include "probes/azure/cloud_check_support.h"

namespace preflight {
namespace {

using Json = nlohmann::json;

constexpr std::string_view kId = "azure.direct_onboarding";
constexpr std::string_view kFlag = "MdeDesignatedSubscription";
constexpr const char* kInference =
    "This is an inference: Azure has no public API for the tenant's direct-onboarding toggle; the "
    "MdeDesignatedSubscription extension of the subscription's Defender for Servers pricing is "
    "the only trace of it.";

}  // namespace

CheckResult DirectOnboardingCheck::Run(const Context& ctx) const {
  // Only a server outside Azure is onboarded directly; decide that before asking anything.
  if (ctx.cloud != nullptr && !ctx.offline &&
      ctx.cloud->machine.kind != azure::EnvironmentKind::kOther) {
    CheckResult result;
    result.status = Status::kSkip;
    result.summary =
        std::string("Not applicable: the machine is ") +
        (ctx.cloud->machine.kind == azure::EnvironmentKind::kAzureVm ? "an Azure VM"
                                                                     : "an Arc-enabled server") +
        "; Defender for Cloud onboards it through the MDE extension, not direct "
        "onboarding.";
    result.evidence = {{"reason", "azure_resource"},
                       {"kind", azure::EnvironmentKindName(ctx.cloud->machine.kind)}};
    return result;
  }
  if (auto early = cloud::WithoutArm(ctx, kId, "the direct-onboarding designated subscription")) {
    return *early;
  }
  return cloud::Guarded("direct onboarding", [&] {
    const azure::CloudAccess& access = *ctx.cloud;
    CheckResult result;
    const std::string& sub = access.designated_subscription;
    if (sub.empty()) {
      result.status = Status::kWarn;
      result.summary =
          "No designated subscription is configured, so whether this server outside Azure will "
          "show up in Defender for Cloud through direct onboarding is unknown.";
      result.remediation =
          "Set designated_subscription in the config file (or its flag / environment variable) "
          "to the subscription chosen under Defender for Cloud > Environment settings > Direct "
          "onboarding, and grant the identity Security Reader on it.";
      result.evidence = {{"reason", "not_configured"}};
      result.report = {{"cloud", {{"direct_onboarding_designated", nullptr}}}};
      return result;
    }
    Findings findings;
    std::string pass;  // the summary when nothing is wrong
    cloud::CloudErrors errors(access, std::string(kId));
    Json evidence = {{"designated_subscription", sub}, {"inference", true}};
    Json fields = {{"direct_onboarding_designated", nullptr}};
    const cloud::PricingRead read = cloud::ReadVmPricing(*access.arm, "/subscriptions/" + sub);
    if (read.error) {
      errors.Add(findings, *read.error, "the designated subscription's pricing");
    } else {
      const PricingInfo& p = *read.pricing;
      const std::optional<bool> flag = p.Extension(kFlag);
      evidence["tier"] = p.tier;
      evidence["sub_plan"] = p.sub_plan.empty() ? Json() : Json(p.sub_plan);
      evidence["mde_designated_subscription"] = flag ? Json(*flag) : Json();
      fields["direct_onboarding_designated"] = flag == true;
      const std::string enable =
          "In Defender for Cloud > Environment settings > Direct onboarding, turn it on and "
          "choose subscription " +
          sub +
          " (needs Subscription Owner and Global or Security "
          "Administrator).";
      if (flag == true) {
        pass = ("Subscription " + sub +
                " is the designated subscription for direct onboarding "
                "(MdeDesignatedSubscription is True).");
        if (!p.IsStandard()) {
          findings.Add(Status::kWarn,
                       "Defender for Servers is off (Free) on the designated subscription " + sub +
                           ", so directly onboarded servers get no Defender for Servers features.",
                       "Enable Defender for Servers Plan 1 on subscription " + sub + ".");
        }
      } else {
        findings.Add(Status::kWarn,
                     "Subscription " + sub + " does not look designated for direct onboarding " +
                         (flag ? "(MdeDesignatedSubscription is False)"
                               : "(its pricing has no MdeDesignatedSubscription extension)") +
                         ": MDE still onboards, but the server will not appear in Defender for "
                         "Cloud under this subscription.",
                     enable);
      }
      findings.Note(kInference);
    }
    evidence["errors"] = errors.Entries();
    result = cloud::Finish(findings, pass, "The designated subscription's pricing was read.",
                           std::move(evidence));
    result.report = cloud::CloudContribution(std::move(fields), errors);
    return result;
  });
}

}  // namespace preflight

#include "probes/azure/direct_onboarding_check.h"

#include "probes/azure/arm_reads.h"

namespace preflight {
namespace {

using Json = nlohmann::json;

constexpr std::string_view kFlag = "MdeDesignatedSubscription";
constexpr const char* kInference =
    "This is an inference: Azure has no public API for the tenant's direct-onboarding toggle; the "
    "MdeDesignatedSubscription extension of the subscription's Defender for Servers pricing is "
    "the only trace of it.";

void Word(cloud::CloudRun& run, DirectOnboardingVerdict verdict, const std::string& sub) {
  switch (verdict) {
    case DirectOnboardingVerdict::kDesignatedPlanOff:
      run.findings.Add(Status::kWarn,
                       "Defender for Servers is off (Free) on the designated subscription " + sub +
                           ", so directly onboarded servers get no Defender for Servers features.",
                       "Enable Defender for Servers Plan 1 on subscription " + sub + ".");
      [[fallthrough]];
    case DirectOnboardingVerdict::kDesignated:
      run.pass = "Subscription " + sub +
                 " is the designated subscription for direct onboarding "
                 "(MdeDesignatedSubscription is True).";
      break;
    case DirectOnboardingVerdict::kNotDesignated:
    case DirectOnboardingVerdict::kNoFlag:
      run.findings.Add(
          Status::kWarn,
          "Subscription " + sub + " does not look designated for direct onboarding " +
              (verdict == DirectOnboardingVerdict::kNotDesignated
                   ? "(MdeDesignatedSubscription is False)"
                   : "(its pricing has no MdeDesignatedSubscription extension)") +
              ": MDE still onboards, but the server will not appear in Defender for Cloud under "
              "this subscription.",
          "In Defender for Cloud > Environment settings > Direct onboarding, turn it on and "
          "choose subscription " +
              sub + " (needs Subscription Owner and Global or Security Administrator).");
      break;
  }
  run.findings.Note(kInference);
}

}  // namespace

DirectOnboardingVerdict DecideDirectOnboarding(const DirectOnboardingFacts& facts) {
  if (!facts.designated) return DirectOnboardingVerdict::kNoFlag;
  if (!*facts.designated) return DirectOnboardingVerdict::kNotDesignated;
  return facts.plan == cloud::PlanLevel::kFree ? DirectOnboardingVerdict::kDesignatedPlanOff
                                               : DirectOnboardingVerdict::kDesignated;
}

std::optional<CheckResult> DirectOnboardingCheck::NotApplicable(const Context& ctx) const {
  // Only a server outside Azure is onboarded directly.
  const azure::EnvironmentKind kind = ctx.cloud->machine.kind;
  if (kind == azure::EnvironmentKind::kOther) return std::nullopt;
  CheckResult result = cloud::Settled(
      Status::kSkip,
      std::string("Not applicable: the machine is ") +
          (kind == azure::EnvironmentKind::kAzureVm ? "an Azure VM" : "an Arc-enabled server") +
          "; Defender for Cloud onboards it through the MDE extension, not direct onboarding.",
      "azure_resource");
  result.evidence["kind"] = azure::EnvironmentKindName(kind);
  return result;
}

std::optional<CheckResult> DirectOnboardingCheck::Unprepared(const Context& ctx) const {
  if (!ctx.cloud->designated_subscription.empty()) return std::nullopt;
  CheckResult result = cloud::Settled(
      Status::kWarn,
      "No designated subscription is configured, so whether this server outside Azure will show "
      "up in Defender for Cloud through direct onboarding is unknown.",
      "not_configured",
      "Set designated_subscription in the config file (or its flag / environment variable) to the "
      "subscription chosen under Defender for Cloud > Environment settings > Direct onboarding, "
      "and grant the identity Security Reader on it.");
  result.report = {{"cloud", {{"direct_onboarding_designated", nullptr}}}};
  return result;
}

void DirectOnboardingCheck::Examine(cloud::CloudRun& run) const {
  const std::string& sub = run.access.designated_subscription;
  run.evidence = {{"designated_subscription", sub}, {"inference", true}};
  run.fields = {{"direct_onboarding_designated", nullptr}};
  // Outside Azure the machine has no pricing of its own: the designated subscription's applies.
  const cloud::PlanRead read = cloud::ReadEffectivePlan(run.arm, sub, "");
  if (read.subscription_error) {
    run.errors.Add(run.findings, *read.subscription_error, "the designated subscription's pricing");
    return;
  }
  const PricingInfo& pricing = *read.plan.subscription;
  const DirectOnboardingFacts facts{pricing.Extension(kFlag), read.plan.Level()};
  run.evidence["tier"] = pricing.tier;
  run.evidence["sub_plan"] = pricing.sub_plan.empty() ? Json() : Json(pricing.sub_plan);
  run.evidence["mde_designated_subscription"] = facts.designated ? Json(*facts.designated) : Json();
  run.fields["direct_onboarding_designated"] = facts.designated == true;
  Word(run, DecideDirectOnboarding(facts), sub);
}

}  // namespace preflight

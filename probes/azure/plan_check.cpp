#include "probes/azure/plan_check.h"

#include "probes/azure/arm_reads.h"

namespace preflight {
namespace {

using Json = nlohmann::json;
using cloud::PlanLevel;
using cloud::PlanSource;

Json StringOrNull(const std::string& value) { return value.empty() ? Json() : Json(value); }

Json PricingEvidence(const PricingInfo& p) {
  Json ext = Json::object();
  for (const auto& [name, enabled] : p.extensions) ext[name] = enabled ? Json(*enabled) : Json();
  return {{"tier", p.tier},
          {"sub_plan", StringOrNull(p.sub_plan)},
          {"free_trial_remaining", StringOrNull(p.free_trial_remaining)},
          {"enablement_time", StringOrNull(p.enablement_time)},
          {"enforce", p.enforce ? Json(*p.enforce) : Json()},
          {"inherited", p.inherited ? Json(*p.inherited) : Json()},
          {"inherited_from", StringOrNull(p.inherited_from)},
          {"coverage", StringOrNull(p.coverage)},
          {"deprecated", p.deprecated},
          {"extensions", ext}};
}

const char* ScopeName(PlanSource source) {
  switch (source) {
    case PlanSource::kMachineOwn:
      return "resource";
    case PlanSource::kMachineInherited:
      return "inherited";
    case PlanSource::kSubscription:
      return "subscription";
    case PlanSource::kNone:
      break;
  }
  return "none";
}

std::string Where(PlanSource source, const std::string& sub) {
  switch (source) {
    case PlanSource::kMachineOwn:
      return "for this machine (set on the machine itself)";
    case PlanSource::kMachineInherited:
      return "for this machine (inherited from subscription " + sub + ")";
    default:
      return "on subscription " + sub;
  }
}

void Word(cloud::CloudRun& run, const PlanDecision& d, const cloud::EffectivePlan& plan,
          const std::string& sub) {
  const PricingInfo& applying = *plan.Applying();
  const std::string where = Where(plan.Source(), sub);
  if (d.status == Status::kFail) {
    run.findings.Add(Status::kFail,
                     "Defender for Servers is off (Free) " + where +
                         ": Defender for Cloud will not deploy MDE to this machine automatically.",
                     "Enable Defender for Servers Plan 1 or Plan 2 on the subscription (Defender "
                     "for Cloud > Environment settings > the subscription > Defender plans > "
                     "Servers), or on this machine alone.");
  } else if (d.level == PlanLevel::kP1) {
    run.pass = "Defender for Servers Plan 1 is on " + where + ".";
    run.findings.Note(
        "Plan 1 deploys MDE but has no Defender Vulnerability Management findings in Defender "
        "for Cloud (MDVM comes with Plan 2).");
  } else if (d.legacy_standard) {
    run.pass = "Defender for Servers (Standard) is on " + where + ".";
    run.findings.Note("The pricing names no sub-plan; Defender for Cloud treats it as Plan 2.");
  } else {
    run.pass = "Defender for Servers " + cloud::PlanName(applying) + " is on " + where + ".";
  }
  if (d.in_free_trial) {
    run.findings.Note("The plan is in its free trial (" + applying.free_trial_remaining +
                      " left).");
  }
  if (d.deprecated) run.findings.Note("ARM marks this pricing as deprecated.");
  if (d.overrides_subscription) {
    run.findings.Note("The machine's own setting (" + cloud::PlanName(*plan.machine) +
                      ") overrides the subscription's (" + cloud::PlanName(*plan.subscription) +
                      ").");
  }
  if (d.enforced) {
    run.findings.Note("The subscription enforces its plan on every machine (enforce: True).");
  }
}

}  // namespace

PlanDecision DecidePlan(const cloud::EffectivePlan& plan) {
  PlanDecision d;
  const PricingInfo* applying = plan.Applying();
  if (applying == nullptr) return d;
  d.level = plan.Level();
  d.status = d.level == PlanLevel::kFree ? Status::kFail : Status::kPass;
  d.legacy_standard = applying->IsStandard() && applying->sub_plan.empty();
  d.in_free_trial = d.level != PlanLevel::kFree && DurationPositive(applying->free_trial_remaining);
  d.deprecated = d.level != PlanLevel::kFree && applying->deprecated;
  d.overrides_subscription = plan.MachineOverridesTier();
  d.enforced = plan.subscription && plan.subscription->enforce == true;
  return d;
}

std::optional<CheckResult> PlanCheck::Unprepared(const Context& ctx) const {
  if (!cloud::SubscriptionOf(*ctx.cloud).empty()) return std::nullopt;
  return cloud::NoSubscription(Status::kWarn, Subject());
}

void PlanCheck::Examine(cloud::CloudRun& run) const {
  const std::string sub = cloud::SubscriptionOf(run.access);
  const std::string& resource = cloud::MachineResourceId(run.access);
  const cloud::PlanRead read = cloud::ReadEffectivePlan(run.arm, sub, resource);
  run.evidence["subscription_id"] = sub;
  if (read.plan.subscription)
    run.evidence["subscription"] = PricingEvidence(*read.plan.subscription);
  if (read.subscription_error) {
    run.errors.Add(run.findings, *read.subscription_error, "the plan of subscription " + sub);
  }
  if (!resource.empty()) run.evidence["resource_id"] = resource;
  if (read.plan.machine) run.evidence["resource"] = PricingEvidence(*read.plan.machine);
  if (read.machine_error) {
    run.errors.Add(run.findings, *read.machine_error, "the plan set on this machine");
  }
  run.fields = {{"pricing_tier", nullptr}, {"sub_plan", nullptr}};
  const PlanDecision decision = DecidePlan(read.plan);
  if (decision.level == PlanLevel::kUnknown) return;
  const PricingInfo& applying = *read.plan.Applying();
  run.evidence["effective_scope"] = ScopeName(read.plan.Source());
  run.fields["pricing_tier"] = applying.tier;
  run.fields["sub_plan"] = StringOrNull(applying.IsStandard() ? applying.sub_plan : "");
  Word(run, decision, read.plan, sub);
}

}  // namespace preflight

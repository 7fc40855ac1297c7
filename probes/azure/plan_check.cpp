#include "probes/azure/plan_check.h"

#include "probes/azure/arm_reads.h"
#include "probes/azure/cloud_check_support.h"

namespace preflight {
namespace {

using Json = nlohmann::json;

constexpr std::string_view kId = "azure.plan";

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

std::string PlanName(const PricingInfo& p) {
  if (!p.IsStandard()) return "Free (off)";
  if (p.sub_plan.empty()) return "Standard";
  return "Plan " + p.sub_plan.substr(p.sub_plan.size() - 1) + " (" + p.sub_plan + ")";
}

void Judge(Findings& findings, std::string& pass, const PricingInfo& p, const std::string& where) {
  if (!p.IsStandard()) {
    findings.Add(Status::kFail,
                 "Defender for Servers is off (Free) " + where +
                     ": Defender for Cloud will not deploy MDE to this machine automatically.",
                 "Enable Defender for Servers Plan 1 or Plan 2 on the subscription (Defender for "
                 "Cloud > Environment settings > the subscription > Defender plans > Servers), "
                 "or on this machine alone.");
    return;
  }
  if (p.sub_plan == "P1") {
    pass = ("Defender for Servers Plan 1 is on " + where + ".");
    findings.Note(
        "Plan 1 deploys MDE but has no Defender Vulnerability Management findings in Defender "
        "for Cloud (MDVM comes with Plan 2).");
  } else if (p.sub_plan.empty()) {
    pass = ("Defender for Servers (Standard) is on " + where + ".");
    findings.Note("The pricing names no sub-plan; Defender for Cloud treats it as Plan 2.");
  } else {
    pass = ("Defender for Servers " + PlanName(p) + " is on " + where + ".");
  }
  if (DurationPositive(p.free_trial_remaining)) {
    findings.Note("The plan is in its free trial (" + p.free_trial_remaining + " left).");
  }
  if (p.deprecated) findings.Note("ARM marks this pricing as deprecated.");
}

}  // namespace

CheckResult PlanCheck::Run(const Context& ctx) const {
  if (auto early = cloud::WithoutArm(ctx, kId, "the Defender for Servers plan")) return *early;
  return cloud::Guarded("the Defender for Servers plan", [&] {
    const azure::CloudAccess& access = *ctx.cloud;
    azure::ArmClient& arm = *access.arm;
    Findings findings;
    std::string pass;  // the summary when nothing is wrong
    cloud::CloudErrors errors(access, std::string(kId));
    Json evidence = Json::object();
    const std::string sub = cloud::SubscriptionOf(access);
    const std::string& resource = cloud::MachineResourceId(access);
    if (sub.empty()) {
      CheckResult result;
      result.status = Status::kWarn;
      result.summary =
          "Could not learn the Defender for Servers plan: the machine is outside Azure and no "
          "designated subscription is configured.";
      result.remediation =
          "Set designated_subscription in the config file to the subscription chosen for "
          "direct onboarding.";
      result.evidence = {{"reason", "no_subscription"}};
      return result;
    }
    evidence["subscription_id"] = sub;

    std::optional<PricingInfo> at_sub;
    if (auto read = cloud::ReadVmPricing(arm, "/subscriptions/" + sub); read.pricing) {
      at_sub = read.pricing;
      evidence["subscription"] = PricingEvidence(*at_sub);
    } else {
      errors.Add(findings, *read.error, "the plan of subscription " + sub);
    }
    std::optional<PricingInfo> at_resource;
    if (!resource.empty()) {
      evidence["resource_id"] = resource;
      if (auto read = cloud::ReadVmPricing(arm, resource); read.pricing) {
        at_resource = read.pricing;
        evidence["resource"] = PricingEvidence(*at_resource);
      } else {
        errors.Add(findings, *read.error, "the plan set on this machine");
      }
    }

    // The machine's own pricing is what applies to it: inherited from the subscription, or set
    // on the machine (azure.md 4a: "inherited", "inheritedFrom").
    const PricingInfo* effective = at_resource ? &*at_resource : at_sub ? &*at_sub : nullptr;
    Json fields = {{"pricing_tier", nullptr}, {"sub_plan", nullptr}};
    if (effective != nullptr) {
      const bool own = at_resource && at_resource->inherited == false;
      evidence["effective_scope"] = at_resource ? (own ? "resource" : "inherited") : "subscription";
      const std::string where = !at_resource ? "on subscription " + sub
                                : own        ? "on this machine (set on the machine itself)"
                                      : "on this machine (inherited from subscription " + sub + ")";
      Judge(findings, pass, *effective, where);
      if (own && at_sub && at_sub->IsStandard() != at_resource->IsStandard()) {
        findings.Note("The machine's own setting (" + PlanName(*at_resource) +
                      ") overrides the subscription's (" + PlanName(*at_sub) + ").");
      }
      if (at_sub && at_sub->enforce == true) {
        findings.Note("The subscription enforces its plan on every machine (enforce: True).");
      }
      fields["pricing_tier"] = effective->tier;
      fields["sub_plan"] = StringOrNull(effective->IsStandard() ? effective->sub_plan : "");
    }
    evidence["errors"] = errors.Entries();
    CheckResult result =
        cloud::Finish(findings, pass, "Defender for Servers plan read.", std::move(evidence));
    result.report = cloud::CloudContribution(std::move(fields), errors);
    return result;
  });
}

}  // namespace preflight

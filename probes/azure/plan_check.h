#pragma once

#include <optional>
#include <string_view>

#include "probes/azure/cloud_check.h"
#include "probes/azure/effective_plan.h"

namespace preflight {

// What azure.plan concludes from the plan that applies to the machine.
struct PlanDecision {
  Status status = Status::kPass;  // kFail when Defender for Servers is off; kPass otherwise
  cloud::PlanLevel level = cloud::PlanLevel::kUnknown;  // kUnknown: nothing to judge
  bool legacy_standard = false;         // Standard without a subPlan (treated as Plan 2)
  bool in_free_trial = false;           // freeTrialRemainingTime longer than zero
  bool deprecated = false;              // ARM marks the pricing deprecated
  bool overrides_subscription = false;  // the machine's own tier differs from the subscription's
  bool enforced = false;                // the subscription enforces its plan on every machine
};

PlanDecision DecidePlan(const cloud::EffectivePlan& plan);

// azure.plan: Defender for Servers (pricings/VirtualMachines) at the subscription and at the
// machine's own scope. Free -> fail: Defender for Cloud will not deploy MDE automatically.
// Fills cloud.pricing_tier and cloud.sub_plan.
class PlanCheck final : public cloud::CloudCheck {
 private:
  std::string_view Subject() const override { return "the Defender for Servers plan"; }
  std::string_view Fallback() const override { return "Defender for Servers plan read."; }
  std::optional<CheckResult> Unprepared(const Context& ctx) const override;
  void Examine(cloud::CloudRun& run) const override;
};

}  // namespace preflight

#include "probes/azure/effective_plan.h"

#include "probes/azure/json_fields.h"

namespace preflight::cloud {

using arm_json::EqualsIgnoreCase;

PlanLevel LevelOf(const PricingInfo& pricing) {
  if (!pricing.IsStandard()) return PlanLevel::kFree;
  if (EqualsIgnoreCase(pricing.sub_plan, "P1")) return PlanLevel::kP1;
  return PlanLevel::kP2;
}

std::string PlanName(const PricingInfo& pricing) {
  if (!pricing.IsStandard()) return "Free (off)";
  if (pricing.sub_plan.empty()) return "Standard";
  return "Plan " + pricing.sub_plan.substr(pricing.sub_plan.size() - 1) + " (" + pricing.sub_plan +
         ")";
}

const PricingInfo* EffectivePlan::Applying() const {
  if (machine) return &*machine;
  if (subscription) return &*subscription;
  return nullptr;
}

PlanSource EffectivePlan::Source() const {
  if (machine) {
    return machine->inherited == false ? PlanSource::kMachineOwn : PlanSource::kMachineInherited;
  }
  return subscription ? PlanSource::kSubscription : PlanSource::kNone;
}

PlanLevel EffectivePlan::Level() const {
  const PricingInfo* applying = Applying();
  return applying == nullptr ? PlanLevel::kUnknown : LevelOf(*applying);
}

bool EffectivePlan::MachineOverridesTier() const {
  return Source() == PlanSource::kMachineOwn && subscription &&
         subscription->IsStandard() != machine->IsStandard();
}

}  // namespace preflight::cloud

#pragma once

// The Defender for Servers plan that applies to this machine, which is what every cloud check
// that depends on the plan judges by. Defender for Cloud prices "VirtualMachines" at two scopes
// (pricings.json 2024-01-01; reference/azure.md section 4a):
// - the subscription: pricingTier Free or Standard, subPlan P1 or P2;
// - the machine itself (a VM, VMSS or Arc machine's resource id): the same pricing with
//   "inherited": "True" and "inheritedFrom": "/subscriptions/{s}" when it follows the
//   subscription (GetResourcePricingByNameVirtualMachines_example.json), or "inherited": "False"
//   when it was set on the machine (PutResourcePricingByNameVirtualMachines_example.json: P1 on
//   one VM).
// The machine-level answer wins: a VM set to P1 under a P2 subscription is on P1; a VM set to P1
// under a Free subscription is on P1.

#include <optional>
#include <string>

#include "probes/azure/defender_parsers.h"

namespace preflight::cloud {

enum class PlanLevel {
  kUnknown,  // neither scope could be read
  kFree,     // Defender for Servers off
  kP1,
  kP2,  // also a Standard pricing without a subPlan, which Defender for Cloud treats as Plan 2
};

// Where the applying pricing was read.
enum class PlanSource {
  kNone,              // nothing read
  kSubscription,      // only the subscription's pricing was read
  kMachineInherited,  // the machine's pricing, inherited from the subscription
  kMachineOwn,        // the machine's pricing, set on the machine itself
};

PlanLevel LevelOf(const PricingInfo& pricing);

// "Plan 2 (P2)", "Plan 1 (P1)", "Standard" (no subPlan), "Free (off)".
std::string PlanName(const PricingInfo& pricing);

struct EffectivePlan {
  std::optional<PricingInfo> subscription;  // the subscription's pricing, when read
  std::optional<PricingInfo> machine;       // the machine's pricing, when read

  // The pricing that applies: the machine's over the subscription's; nullptr when neither.
  const PricingInfo* Applying() const;
  PlanSource Source() const;
  PlanLevel Level() const;
  // The machine's own setting differs in tier from the subscription's (Free vs Standard).
  bool MachineOverridesTier() const;
};

}  // namespace preflight::cloud

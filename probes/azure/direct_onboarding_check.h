#pragma once

#include <optional>
#include <string_view>

#include "probes/azure/cloud_check.h"
#include "probes/azure/effective_plan.h"

namespace preflight {

// What azure.direct_onboarding learned from the designated subscription's pricing.
struct DirectOnboardingFacts {
  std::optional<bool> designated;  // MdeDesignatedSubscription's isEnabled; nullopt: not listed
  cloud::PlanLevel plan = cloud::PlanLevel::kUnknown;
};

enum class DirectOnboardingVerdict {
  kDesignated,         // pass
  kDesignatedPlanOff,  // designated, but Defender for Servers is off there: warn
  kNotDesignated,      // MdeDesignatedSubscription is False: warn
  kNoFlag,             // the pricing has no MdeDesignatedSubscription extension: warn
};

DirectOnboardingVerdict DecideDirectOnboarding(const DirectOnboardingFacts& facts);

// azure.direct_onboarding: for a server outside Azure (environment kind "other") only: whether
// the configured designated subscription carries the pricing extension MdeDesignatedSubscription
// (isEnabled "True"), which is how the agent infers that direct onboarding is on for it
// (reference/azure.md section 4d; there is no public API for the toggle itself). Fills
// cloud.direct_onboarding_designated.
class DirectOnboardingCheck final : public cloud::CloudCheck {
 private:
  std::string_view Subject() const override {
    return "the direct-onboarding designated subscription";
  }
  std::string_view Fallback() const override {
    return "The designated subscription's pricing was read.";
  }
  std::optional<CheckResult> NotApplicable(const Context& ctx) const override;
  std::optional<CheckResult> Unprepared(const Context& ctx) const override;
  void Examine(cloud::CloudRun& run) const override;
};

}  // namespace preflight

#pragma once

// ARM reads more than one cloud check makes (the ARM client answers repeated GETs of one URL
// once per run, so sharing them costs nothing): the Defender for Servers pricing of a scope, the
// MDE extension of the machine and the machine's recommendations.

#include <optional>
#include <string>
#include <string_view>

#include "platform/azure/cloud.h"
#include "probes/azure/defender_parsers.h"
#include "probes/azure/effective_plan.h"
#include "probes/azure/extension_parser.h"
#include "probes/azure/recommendations_parser.h"

namespace preflight::cloud {

struct PricingRead {
  std::optional<PricingInfo> pricing;  // set when ARM answered with a usable pricing
  std::optional<azure::ArmError> error;
};

// GET {scope}/providers/Microsoft.Security/pricings/{name} (2024-01-01); scope is
// "/subscriptions/{s}" or a machine's resource id (azure.md section 4a). "VirtualMachines" is
// Defender for Servers, "CloudPosture" Defender CSPM.
PricingRead ReadPricing(azure::ArmClient& arm, std::string_view scope, std::string_view name);
inline PricingRead ReadVmPricing(azure::ArmClient& arm, std::string_view scope) {
  return ReadPricing(arm, scope, "VirtualMachines");
}

struct PlanRead {
  EffectivePlan plan;
  std::optional<azure::ArmError> subscription_error;  // the subscription's pricing failed
  std::optional<azure::ArmError> machine_error;       // the machine's pricing failed
};

// The plan that applies to the machine (effective_plan.h): the pricing of `subscription` and of
// the machine `resource_id`; an empty one is not asked (a server outside Azure has no resource
// id; direct onboarding names only the designated subscription).
PlanRead ReadEffectivePlan(azure::ArmClient& arm, const std::string& subscription,
                           const std::string& resource_id);

struct ExtensionRead {
  std::optional<ArmExtension> extension;  // set when ARM returned it
  bool not_found = false;                 // ARM says the machine has no such extension
  bool arc = false;                       // the HybridCompute shape was asked for
  std::optional<azure::ArmError> error;   // any other failure
};

// The named extension of the machine: Compute (2024-07-01, $expand=instanceView) for a VM,
// HybridCompute (2024-07-10) for an Arc machine (azure.md section 5).
ExtensionRead ReadMachineExtension(azure::ArmClient& arm, const std::string& resource_id,
                                   const std::string& name);

struct RecommendationsRead {
  std::optional<RecommendationList> list;  // set when ARM answered with a usable list
  std::optional<azure::ArmError> error;    // no list: why
  std::string incomplete;                  // a list whose paging stopped early: why
};

// Every recommendation (assessment) of the machine: GET {resource_id}/providers/
// Microsoft.Security/assessments (2021-06-01, paged by nextLink; azure.md section 4f).
RecommendationsRead ReadMachineRecommendations(azure::ArmClient& arm,
                                               const std::string& resource_id);

}  // namespace preflight::cloud

#include "probes/azure/arm_reads.h"

#include "probes/azure/cloud_check_support.h"

namespace preflight::cloud {
namespace {

// A machine has a few dozen recommendations, one per vulnerable package at most a few hundred;
// a list longer than this is cut (and says so).
constexpr std::size_t kMaxRecommendations = 2000;

}  // namespace

PricingRead ReadPricing(azure::ArmClient& arm, std::string_view scope, std::string_view name) {
  PricingRead read;
  const azure::ArmOutcome outcome =
      arm.Get(std::string(scope) + "/providers/Microsoft.Security/pricings/" + std::string(name),
              kPricingsApi);
  if (!outcome.Ok()) {
    read.error = outcome.error.value_or(azure::ArmError{});
    return read;
  }
  PricingInfo pricing = ParsePricing(*outcome.body);
  if (!pricing.valid) {
    read.error = Malformed(outcome, "the pricing of " + std::string(scope) + ": " + pricing.error);
    return read;
  }
  read.pricing = std::move(pricing);
  return read;
}

PlanRead ReadEffectivePlan(azure::ArmClient& arm, const std::string& subscription,
                           const std::string& resource_id) {
  PlanRead read;
  if (!subscription.empty()) {
    PricingRead at_sub = ReadVmPricing(arm, "/subscriptions/" + subscription);
    read.plan.subscription = std::move(at_sub.pricing);
    read.subscription_error = std::move(at_sub.error);
  }
  if (!resource_id.empty()) {
    PricingRead at_machine = ReadVmPricing(arm, resource_id);
    read.plan.machine = std::move(at_machine.pricing);
    read.machine_error = std::move(at_machine.error);
  }
  return read;
}

ExtensionRead ReadMachineExtension(azure::ArmClient& arm, const std::string& resource_id,
                                   const std::string& name) {
  ExtensionRead read;
  read.arc = IsArcResourceId(resource_id);
  const std::string path = resource_id + "/extensions/" + name;
  const azure::ArmOutcome outcome = read.arc ? arm.Get(path, kHybridComputeApi)
                                             : arm.Get(path, kComputeApi, "$expand=instanceView");
  if (!outcome.Ok()) {
    const azure::ArmError error = outcome.error.value_or(azure::ArmError{});
    if (IsNotFound(error)) {
      read.not_found = true;
    } else {
      read.error = error;
    }
    return read;
  }
  ArmExtension extension = ParseArmExtension(*outcome.body);
  if (!extension.valid) {
    read.error = Malformed(outcome, "the " + name + " extension: " + extension.error);
    return read;
  }
  read.extension = std::move(extension);
  return read;
}

RecommendationsRead ReadMachineRecommendations(azure::ArmClient& arm,
                                               const std::string& resource_id) {
  RecommendationsRead read;
  const azure::ArmOutcome outcome =
      arm.List(resource_id + "/providers/Microsoft.Security/assessments", kAssessmentsApi);
  if (!outcome.Ok()) {
    read.error = outcome.error.value_or(azure::ArmError{});
    return read;
  }
  RecommendationList list = ParseRecommendations(*outcome.body, kMaxRecommendations);
  if (!list.valid) {
    read.error = Malformed(outcome, "the recommendations: " + list.error);
    return read;
  }
  if (outcome.error) read.incomplete = OneLine(outcome.error->message);
  if (list.truncated)
    read.incomplete = "more than " + std::to_string(kMaxRecommendations) +
                      " recommendations; the rest were not read";
  read.list = std::move(list);
  return read;
}

}  // namespace preflight::cloud

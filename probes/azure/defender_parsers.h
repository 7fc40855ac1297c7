#pragma once

// Pure parsers of Defender for Cloud ARM bodies (reference/azure.md section 4). They take the
// parsed JSON body, keep only what the checks use, and never throw: a body without the expected
// shape gives valid == false and an error in words.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace preflight {

// pricings/VirtualMachines, 2024-01-01, at subscription or resource scope (azure.md 4a); shape of
// pricings.json 2024-01-01 and its examples GetPricingByNameVirtualMachines_example.json,
// GetResourcePricingByNameVirtualMachines_example.json and
// PutResourcePricingByNameVirtualMachines_example.json (Azure/azure-rest-api-specs, read 2026-12).
struct PricingInfo {
  bool valid = false;
  std::string error;
  std::string tier;                  // "Free" or "Standard"
  std::string sub_plan;              // "P1", "P2", or empty (legacy Standard without a sub-plan)
  std::string free_trial_remaining;  // ISO 8601 duration ("PT0S"); empty when absent
  std::string enablement_time;       // RFC 3339; empty when absent
  std::optional<bool> enforce;       // subscription scope only
  std::optional<bool> inherited;     // resource scope only
  std::string inherited_from;        // "/subscriptions/{s}" when inherited
  std::string coverage;              // resourcesCoverageStatus, subscription scope only
  bool deprecated = false;
  std::vector<std::pair<std::string, std::optional<bool>>> extensions;  // name, isEnabled

  bool IsStandard() const;
  // isEnabled of the named extension ("MdeDesignatedSubscription"); nullopt when not listed.
  std::optional<bool> Extension(std::string_view name) const;
};

PricingInfo ParsePricing(const nlohmann::json& body);

// True when an ISO 8601 duration ("P29DT23H", "PT0S") is longer than zero; false for zero, empty
// or unparsable text.
bool DurationPositive(std::string_view iso8601);

// settings, 2022-05-01 (azure.md 4b; settings.json 2022-05-01 and
// examples/Settings/GetSettings_example.json): `properties.enabled` is a JSON boolean.
struct SettingInfo {
  std::string name;
  std::string kind;
  std::optional<bool> enabled;
};

struct SettingsList {
  bool valid = false;
  std::string error;
  std::vector<SettingInfo> items;
  const SettingInfo* Find(std::string_view name) const;  // case-insensitive
};

// A list body {"value": [setting, ...]}.
SettingsList ParseSettingsList(const nlohmann::json& body);

// serverVulnerabilityAssessmentsSettings/azureServersSetting, 2023-05-01 (azure.md 4c;
// GetServerVulnerabilityAssessmentsSetting_example.json of that version, read 2026-12).
struct VaSetting {
  bool valid = false;
  std::string error;
  std::string kind;      // "AzureServersSetting"
  std::string provider;  // properties.selectedProvider: "MdeTvm"
};

VaSetting ParseVaSetting(const nlohmann::json& body);

// mdeOnboardings/default, 2021-10-01-preview (azure.md 4e): base64 onboarding packages.
struct OnboardingPackages {
  bool valid = false;
  std::string error;
  std::string linux_base64;
  std::string windows_base64;
};

OnboardingPackages ParseMdeOnboarding(const nlohmann::json& body);

// Standard base64 (padding optional, whitespace ignored); nullopt on any other character or when
// the result would exceed max_bytes.
std::optional<std::string> DecodeBase64(std::string_view text, std::size_t max_bytes);

// The organisation id in an MDE onboarding package: the Linux package is a Python script and the
// Windows one a .cmd script, both embedding the onboarding blob whose body holds "orgId" as JSON
// nested in strings, so the key is followed by escaped quotes (\" or \\\") and a GUID. Returns the
// first such GUID in lower case; empty when none. "previousOrgIds" does not match (case).
std::string FindOrgIdInPackage(std::string_view package);

// "1f0e...-..." 8-4-4-4-12 hexadecimal digits.
bool IsGuid(std::string_view text);

}  // namespace preflight

#pragma once

// ARM response bodies for unit tests of the cloud-side checks, built the way the Azure emulator
// builds them (tests/emulator/arm_shapes.py), which follows reference/azure.md sections 4 to 6.
// Keep the two in step: the lead's end-to-end tests run the same checks against the emulator.

#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace preflight::testing::arm_shapes {

using Json = nlohmann::json;

inline constexpr const char* kSub = "8d10da13-8125-4ba9-a717-bf7490507b3d";
inline constexpr const char* kVmId =
    "/subscriptions/8d10da13-8125-4ba9-a717-bf7490507b3d/resourceGroups/rg-preflight/providers/"
    "Microsoft.Compute/virtualMachines/vm-preflight-01";
inline constexpr const char* kArcId =
    "/subscriptions/8d10da13-8125-4ba9-a717-bf7490507b3d/resourceGroups/rg-preflight/providers/"
    "Microsoft.HybridCompute/machines/arc-preflight-01";
inline constexpr const char* kOrgId = "3f1c1c41-8a2d-4b5e-9f60-7a8b9c0d1e2f";
inline constexpr const char* kSecurity = "providers/Microsoft.Security";

inline std::string SubScope() { return std::string("/subscriptions/") + kSub; }

struct Pricing {
  std::string tier = "Standard";
  std::string sub_plan = "P2";
  bool designated = false;
  bool inherited = true;
  std::string free_trial = "PT0S";
  std::string enforce = "False";
};

// pricings/VirtualMachines, 2024-01-01 (GetPricingByNameVirtualMachines_example.json).
inline Json PricingBody(const std::string& scope_id, const Pricing& p, bool resource_scope) {
  Json props = {{"pricingTier", p.tier}};
  if (p.tier == "Standard" && !p.sub_plan.empty()) props["subPlan"] = p.sub_plan;
  props["freeTrialRemainingTime"] = p.free_trial;
  if (p.tier == "Standard") props["enablementTime"] = "2024-03-01T12:42:42.1921106Z";
  if (resource_scope) {
    props["inherited"] = p.inherited ? "True" : "False";
    if (p.inherited) props["inheritedFrom"] = SubScope();
  } else {
    props["enforce"] = p.enforce;
    props["resourcesCoverageStatus"] = "FullyCovered";
  }
  if (p.tier == "Standard") {
    // isEnabled is the STRING "True"/"False" (pricings.json 2024-01-01).
    Json exts = Json::array(
        {{{"name", "MdeDesignatedSubscription"}, {"isEnabled", p.designated ? "True" : "False"}}});
    if (p.sub_plan == "P2") {
      exts.push_back({{"name", "AgentlessVmScanning"},
                      {"isEnabled", "True"},
                      {"additionalExtensionProperties", {{"ExclusionTags", "[]"}}}});
      exts.push_back({{"name", "FileIntegrityMonitoring"}, {"isEnabled", "False"}});
    }
    props["extensions"] = exts;
  }
  return {{"id", scope_id + "/" + kSecurity + "/pricings/VirtualMachines"},
          {"name", "VirtualMachines"},
          {"type", "Microsoft.Security/pricings"},
          {"properties", props}};
}

// settings, 2022-05-01: properties.enabled is a real boolean.
inline Json SettingsListBody(const std::vector<std::pair<std::string, bool>>& settings) {
  Json value = Json::array();
  for (const auto& [name, enabled] : settings) {
    value.push_back({{"id", SubScope() + "/" + kSecurity + "/settings/" + name},
                     {"name", name},
                     {"kind", name == "Sentinel" ? "AlertSyncSettings" : "DataExportSettings"},
                     {"type", "Microsoft.Security/settings"},
                     {"properties", {{"enabled", enabled}}}});
  }
  return {{"value", value}};
}

inline Json DefaultSettings(bool wdatp = true, bool exclude_linux = false, bool unified = true) {
  return SettingsListBody({{"MCAS", true},
                           {"WDATP", wdatp},
                           {"WDATP_EXCLUDE_LINUX_PUBLIC_PREVIEW", exclude_linux},
                           {"WDATP_UNIFIED_SOLUTION", unified},
                           {"Sentinel", false}});
}

// serverVulnerabilityAssessmentsSettings/azureServersSetting, 2023-05-01; the id has NO leading
// slash, as in the spec example.
inline Json VaSettingBody(const std::string& provider = "MdeTvm") {
  return {{"id", std::string("subscriptions/") + kSub + "/" + kSecurity +
                     "/serverVulnerabilityAssessmentsSettings/azureServersSetting"},
          {"name", "azureServersSetting"},
          {"type", "Microsoft.Security/serverVulnerabilityAssessmentsSettings"},
          {"kind", "AzureServersSetting"},
          {"properties", {{"selectedProvider", provider}}},
          {"systemData", {{"createdBy", "admin@contoso.com"}, {"createdByType", "User"}}}};
}

inline std::string VaNotFoundMessage() {
  return std::string(
             "A ServerVulnerabilityAssessmentsSettings resource of the kind: AzureServersSetting "
             "was not found for the subscription: ") +
         kSub;
}

inline std::string Base64(const std::string& data) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (const unsigned char c : data) {
    buffer = (buffer << 8U) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(kAlphabet[(buffer >> static_cast<unsigned>(bits)) & 0x3FU]);
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(buffer << static_cast<unsigned>(6 - bits)) & 0x3FU]);
  while (out.size() % 4 != 0) out.push_back('=');
  return out;
}

// mdeOnboardings/default, 2021-10-01-preview, with packages that embed the org id the way the
// emulator's do (a Python script and a .cmd carrying the onboarding blob).
inline Json MdeOnboardingBody(const std::string& org_id) {
  const std::string blob = R"({"body":"{\"orgId\":\")" + org_id +
                           R"(\",\"geoLocationUrl\":\"https://example.invalid/\"}"})";
  const std::string linux_pkg =
      "#!/usr/bin/env python3\n# emulator onboarding package\nONBOARDING = '" + blob + "'\n";
  const std::string windows_pkg =
      "@echo off\r\nREM emulator onboarding package\r\nset ONBOARDING=" + blob + "\r\n";
  return {{"id", SubScope() + "/" + kSecurity + "/mdeOnboardings/default"},
          {"name", "default"},
          {"type", "Microsoft.Security/mdeOnboardings"},
          {"properties",
           {{"onboardingPackageWindows", Base64(windows_pkg)},
            {"onboardingPackageLinux", Base64(linux_pkg)}}}};
}

struct ExtStatus {
  std::string code = "ProvisioningState/succeeded";
  std::string level = "Info";
  std::string display_status = "Provisioning succeeded";
  std::string message = "Enable succeeded: MDE is installed and onboarded.";
  std::string time = "2024-03-01T12:58:26.522Z";
};

inline Json StatusJson(const ExtStatus& s) {
  Json out = {{"code", s.code}, {"level", s.level}, {"displayStatus", s.display_status}};
  if (!s.message.empty()) out["message"] = s.message;
  if (!s.time.empty()) out["time"] = s.time;
  return out;
}

inline Json ExtCommon(const std::string& machine_id, const std::string& name,
                      const std::string& provisioning_state) {
  return {{"autoUpgradeMinorVersion", true},
          {"provisioningState", provisioning_state},
          {"publisher", "Microsoft.Azure.AzureDefenderForServers"},
          {"type", name},
          {"typeHandlerVersion", "1.0"},
          {"settings", {{"azureResourceId", machine_id}, {"vNextEnabled", "true"}}}};
}

// Compute 2024-07-01 VirtualMachineExtension with $expand=instanceView.
inline Json VmExtensionBody(const std::string& provisioning_state, const ExtStatus& status,
                            const std::vector<ExtStatus>& substatuses = {},
                            const std::string& name = "MDE.Linux") {
  Json props = ExtCommon(kVmId, name, provisioning_state);
  Json subs = Json::array();
  for (const ExtStatus& s : substatuses) subs.push_back(StatusJson(s));
  props["instanceView"] = {{"name", name},
                           {"type", "Microsoft.Azure.AzureDefenderForServers." + name},
                           {"typeHandlerVersion", "1.0.9.5"},
                           {"statuses", Json::array({StatusJson(status)})},
                           {"substatuses", subs}};
  return {{"name", name},
          {"type", "Microsoft.Compute/virtualMachines/extensions"},
          {"id", std::string(kVmId) + "/extensions/" + name},
          {"location", "westeurope"},
          {"properties", props}};
}

// HybridCompute 2024-07-10 Extension_Get.json: one instanceView.status, level "Information" when
// fine, capitalised Machines/Extensions segments in the id.
inline Json ArcExtensionBody(const std::string& provisioning_state, ExtStatus status,
                             const std::string& name = "MDE.Linux") {
  const bool ok = status.level == "Info";
  status.code = ok ? "success" : "failed";
  if (ok) status.level = "Information";
  Json props = ExtCommon(kArcId, name, provisioning_state);
  props["protectedSettings"] = Json::object();
  props["instanceView"] = {{"name", name},
                           {"type", name},
                           {"typeHandlerVersion", "1.0.9.5"},
                           {"status", StatusJson(status)}};
  std::string id = kArcId;
  id.replace(id.find("/machines/"), 10, "/Machines/");
  return {{"id", id + "/Extensions/" + name},
          {"name", name},
          {"type", "Microsoft.HybridCompute/machines/extensions"},
          {"location", "westeurope"},
          {"properties", props}};
}

inline std::string ExtensionNotFoundMessage(const std::string& name) {
  return "The Resource 'Microsoft.Compute/virtualMachines/vm-preflight-01/extensions/" + name +
         "' under resource group 'rg-preflight' was not found. For more details please go to "
         "https://aka.ms/ARMResourceNotFoundFix";
}

inline constexpr const char* kFindingsKey = "1195afff-c881-495e-9bc5-1486211ae03f";

// assessments, 2021-06-01.
inline Json AssessmentBody(const std::string& machine_id, const std::string& code) {
  Json status = {{"code", code},
                 {"firstEvaluationDate", "2024-03-02T08:00:00.0000000Z"},
                 {"statusChangeDate", "2024-03-02T08:00:00.0000000Z"}};
  if (code == "Unhealthy") status["description"] = "The resource is unhealthy";
  return {{"id", machine_id + "/" + kSecurity + "/assessments/" + kFindingsKey},
          {"name", kFindingsKey},
          {"type", "Microsoft.Security/assessments"},
          {"properties",
           {{"resourceDetails", {{"source", "Azure"}, {"id", machine_id}}},
            {"displayName", "Machines should have vulnerability findings resolved"},
            {"status", status},
            {"additionalData", Json::object()},
            {"links", {{"azurePortalUri", "https://portal.azure.com/#blade/x"}}}}}};
}

struct Cve {
  std::string title;
  std::string severity;
  double cvss = 0;
  bool public_exploit = false;
};

struct Finding {
  std::string id;
  std::string display_name;
  std::string severity;
  std::string vendor, name, version;
  std::vector<Cve> cves;
  std::string status = "Unhealthy";
};

// sub-assessments, 2019-01-01-preview, with the MDVM additionalData the CVE Dashboard reads.
inline Json SubAssessmentsBody(const std::string& machine_id, const std::vector<Finding>& list) {
  Json value = Json::array();
  for (const Finding& f : list) {
    Json cves = Json::array();
    for (const Cve& c : f.cves) {
      cves.push_back({{"title", c.title},
                      {"severity", c.severity},
                      {"cvssScore", c.cvss},
                      {"description", "x"},
                      {"hasPublicExploit", c.public_exploit},
                      {"isExploitVerified", false},
                      {"exploitabilityLevel", "ExploitIsPublic"},
                      {"isZeroDay", false}});
    }
    value.push_back(
        {{"id", machine_id + "/" + kSecurity + "/assessments/" + kFindingsKey + "/subAssessments/" +
                    f.id},
         {"name", f.id},
         {"type", "Microsoft.Security/assessments/subAssessments"},
         {"properties",
          {{"id", f.id},
           {"displayName", f.display_name},
           {"status",
            {{"code", f.status}, {"cause", ""}, {"severity", f.severity}, {"description", "x"}}},
           {"resourceDetails", {{"source", "Azure"}, {"id", machine_id}}},
           {"remediation", "Update the affected software."},
           {"timeGenerated", "2024-03-02T08:00:00.0000000Z"},
           {"additionalData",
            {{"assessedResourceType", "ServerVulnerabilityTvm"},
             {"source", "Microsoft Defender vulnerability management"},
             {"softwareVendor", f.vendor},
             {"softwareName", f.name},
             {"softwareVersion", f.version},
             {"cve", cves}}}}}});
  }
  return {{"value", value}};
}

// The azure_vm_onboarded_p2 scenario's three findings.
inline std::vector<Finding> ScenarioFindings() {
  return {{"c0a1b2c3-0001-4000-8000-000000000001",
           "glibc: local privilege escalation",
           "High",
           "gnu",
           "glibc",
           "2.35-0ubuntu3.1",
           {{"CVE-2023-4911", "High", 7.8, true}}},
          {"c0a1b2c3-0002-4000-8000-000000000002",
           "openssh: signal handler race",
           "Medium",
           "openbsd",
           "openssh",
           "8.9p1-3ubuntu0.1",
           {{"CVE-2024-6387", "High", 8.1, true}, {"CVE-2023-51385", "Medium", 6.5, false}}},
          {"c0a1b2c3-0003-4000-8000-000000000003",
           "curl: heap overflow in SOCKS5",
           "High",
           "haxx",
           "curl",
           "7.81.0-1ubuntu1.13",
           {{"CVE-2023-38545", "Critical", 9.8, true}}}};
}

// An individual recommendation of category SoftwareUpdate (emulator: _individual_assessment),
// with the fields the transition article's Resource Graph query reads (defender-docs
// transition-grouped-individual-recommendations.md, ms.date 06/29/2026): metadata.severity,
// metadata.recommendationCategory, additionalData.CvesDetails as a string holding JSON,
// DetectedSoftwareVersions, FixedVersion.
struct Individual {
  std::string key;
  std::string display_name;
  std::string severity;
  std::string cves_details;  // the string put in CvesDetails, as given
  std::string fixed_version;
  std::string status = "Unhealthy";
};

inline Json IndividualBody(const std::string& machine_id, const Individual& r) {
  return {{"id", machine_id + "/" + kSecurity + "/assessments/" + r.key},
          {"name", r.key},
          {"type", "Microsoft.Security/assessments"},
          {"properties",
           {{"resourceDetails",
             {{"source", "Azure"},
              {"id", machine_id},
              {"ResourceType", "microsoft.compute/virtualmachines"}}},
            {"displayName", r.display_name},
            {"status", {{"code", r.status}}},
            {"metadata",
             {{"displayName", r.display_name},
              {"assessmentType", "BuiltIn"},
              {"severity", r.severity},
              {"recommendationCategory", "SoftwareUpdate"}}},
            {"additionalData",
             {{"CvesDetails", r.cves_details},
              {"SoftwareVendor", "gnu"},
              {"SoftwareName", "glibc"},
              {"DetectedSoftwareVersions", "2.35-0ubuntu3.1"},
              {"FixedVersion", r.fixed_version}}}}}};
}

// A Defender for Cloud assessment by key, as the emulator's assessment() serves it: status code,
// optional metadata.remediationDescription and additionalData.
inline Json KeyedAssessmentBody(const std::string& machine_id, const std::string& key,
                                const std::string& display_name, const std::string& code,
                                Json additional_data = Json::object(),
                                const std::string& remediation = {}) {
  Json body = {{"id", machine_id + "/" + kSecurity + "/assessments/" + key},
               {"name", key},
               {"type", "Microsoft.Security/assessments"},
               {"properties",
                {{"resourceDetails", {{"source", "Azure"}, {"id", machine_id}}},
                 {"displayName", display_name},
                 {"status", {{"code", code}}},
                 {"additionalData", std::move(additional_data)}}}};
  if (!remediation.empty()) {
    body["properties"]["metadata"] = {{"remediationDescription", remediation}};
  }
  return body;
}

}  // namespace preflight::testing::arm_shapes

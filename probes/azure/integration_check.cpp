#include "probes/azure/integration_check.h"

#include "platform/system_info.h"
#include "probes/azure/cloud_check_support.h"
#include "probes/azure/defender_parsers.h"

namespace preflight {
namespace {

using Json = nlohmann::json;

constexpr std::string_view kId = "azure.integration";

Json Enabled(const SettingInfo* setting) {
  return setting != nullptr && setting->enabled ? Json(*setting->enabled) : Json();
}

}  // namespace

bool IsLegacyWindowsServer(std::string_view release) {
  return release.rfind("6.3.", 0) == 0 || release == "6.3" || release.rfind("10.0.14393", 0) == 0;
}

CheckResult IntegrationCheck::Run(const Context& ctx) const {
  if (auto early = cloud::WithoutArm(ctx, kId, "the Defender for Endpoint integration")) {
    return *early;
  }
  return cloud::Guarded("the Defender for Endpoint integration", [&] {
    const azure::CloudAccess& access = *ctx.cloud;
    Findings findings;
    std::string pass;  // the summary when nothing is wrong
    cloud::CloudErrors errors(access, std::string(kId));
    const std::string sub = cloud::SubscriptionOf(access);
    if (sub.empty()) {
      CheckResult result;
      result.status = Status::kSkip;
      result.summary =
          "Not checked: the machine is outside Azure and no designated subscription is "
          "configured (see azure.direct_onboarding).";
      result.evidence = {{"reason", "no_subscription"}};
      return result;
    }
    Json evidence = {{"subscription_id", sub}};
    Json fields = {{"mde_integration_enabled", nullptr}};
    const azure::ArmOutcome outcome = access.arm->List(
        "/subscriptions/" + sub + "/providers/Microsoft.Security/settings", cloud::kSettingsApi);
    SettingsList settings;
    if (outcome.Ok()) {
      settings = ParseSettingsList(*outcome.body);
      if (!settings.valid) {
        errors.Add(findings, cloud::Malformed(outcome, "the settings list: " + settings.error),
                   "the Defender for Endpoint integration setting");
      }
    } else {
      errors.Add(findings, outcome.error.value_or(azure::ArmError{}),
                 "the Defender for Endpoint integration setting (WDATP)");
    }
    if (settings.valid) {
      const SettingInfo* wdatp = settings.Find("WDATP");
      const SettingInfo* exclude_linux = settings.Find("WDATP_EXCLUDE_LINUX_PUBLIC_PREVIEW");
      const SettingInfo* unified = settings.Find("WDATP_UNIFIED_SOLUTION");
      evidence["settings"] = {{"WDATP", Enabled(wdatp)},
                              {"WDATP_EXCLUDE_LINUX_PUBLIC_PREVIEW", Enabled(exclude_linux)},
                              {"WDATP_UNIFIED_SOLUTION", Enabled(unified)}};
      fields["mde_integration_enabled"] = Enabled(wdatp);
      const std::string toggle =
          "Turn on Endpoint protection in Defender for Cloud > Environment settings > "
          "subscription " +
          sub + " > Defender plans > Servers > Settings (the WDATP setting).";
      if (wdatp == nullptr || !wdatp->enabled) {
        findings.Add(Status::kWarn,
                     "Subscription " + sub +
                         " does not report the WDATP (Endpoint protection) "
                         "setting, so whether Defender for Cloud deploys MDE is unknown.",
                     toggle);
      } else if (!*wdatp->enabled) {
        findings.Add(Status::kFail,
                     "The Defender for Endpoint integration (WDATP, \"Endpoint protection\") is "
                     "off on subscription " +
                         sub + ": Defender for Cloud will not deploy MDE.",
                     toggle);
      } else {
        pass =
            ("The Defender for Endpoint integration (WDATP) is on for "
             "subscription " +
             sub + ".");
      }
      const bool windows = cloud::IsWindowsMachine(ctx);
      evidence["os"] = windows ? "windows" : "linux";
      // Legacy subscriptions: enabled == true EXCLUDES Linux (the name is inverted; azure.md 4b).
      if (!windows && exclude_linux != nullptr && exclude_linux->enabled == true &&
          wdatp != nullptr && wdatp->enabled == true) {
        findings.Add(
            Status::kFail,
            "Subscription " + sub +
                " excludes Linux from the Defender for Endpoint "
                "integration (WDATP_EXCLUDE_LINUX_PUBLIC_PREVIEW is on, a legacy setting): "
                "MDE will not be deployed to this Linux machine.",
            "Enable Defender for Endpoint for Linux in Defender for Cloud > Environment "
            "settings > subscription " +
                sub +
                " > Integrations, or PUT settings/"
                "WDATP_EXCLUDE_LINUX_PUBLIC_PREVIEW with enabled false.");
      }
      const auto uname = ctx.system.Uname();
      if (windows && uname.Ok() && IsLegacyWindowsServer(uname.Value().release)) {
        evidence["legacy_windows_server"] = true;
        if (unified != nullptr && unified->enabled == false) {
          findings.Add(Status::kWarn,
                       "Subscription " + sub +
                           " has not turned on the unified solution "
                           "(WDATP_UNIFIED_SOLUTION) that Windows Server 2012 R2 and 2016 need for "
                           "the modern MDE agent.",
                       "Enable the unified solution in Defender for Cloud > Environment settings "
                       "> subscription " +
                           sub + " > Integrations.");
        }
      }
    }
    evidence["errors"] = errors.Entries();
    CheckResult result =
        cloud::Finish(findings, pass, "The Defender for Endpoint integration setting was read.",
                      std::move(evidence));
    result.report = cloud::CloudContribution(std::move(fields), errors);
    return result;
  });
}

}  // namespace preflight

#include "probes/azure/integration_check.h"

#include "platform/system_info.h"
#include "probes/azure/defender_parsers.h"

namespace preflight {
namespace {

using Json = nlohmann::json;

Json Flag(const std::optional<bool>& value) { return value ? Json(*value) : Json(); }

std::optional<bool> EnabledOf(const SettingsList& settings, std::string_view name) {
  const SettingInfo* setting = settings.Find(name);
  return setting != nullptr ? setting->enabled : std::nullopt;
}

// Reads the settings list; nullopt when it could not be read (the error is in run.errors).
std::optional<IntegrationFacts> Gather(cloud::CloudRun& run, const std::string& sub) {
  const azure::ArmOutcome outcome = run.arm.List(
      "/subscriptions/" + sub + "/providers/Microsoft.Security/settings", cloud::kSettingsApi);
  if (!outcome.Ok()) {
    run.errors.Add(run.findings, outcome.error.value_or(azure::ArmError{}),
                   "the Defender for Endpoint integration setting (WDATP)");
    return std::nullopt;
  }
  const SettingsList settings = ParseSettingsList(*outcome.body);
  if (!settings.valid) {
    run.errors.Add(run.findings, cloud::Malformed(outcome, "the settings list: " + settings.error),
                   "the Defender for Endpoint integration setting");
    return std::nullopt;
  }
  IntegrationFacts facts;
  facts.wdatp = EnabledOf(settings, "WDATP");
  facts.exclude_linux = EnabledOf(settings, "WDATP_EXCLUDE_LINUX_PUBLIC_PREVIEW");
  facts.unified = EnabledOf(settings, "WDATP_UNIFIED_SOLUTION");
  facts.windows = cloud::IsWindowsMachine(run.ctx);
  const auto uname = run.ctx.system.Uname();
  facts.legacy_windows_server =
      facts.windows && uname.Ok() && IsLegacyWindowsServer(uname.Value().release);
  return facts;
}

void Word(cloud::CloudRun& run, const IntegrationDecision& d, const std::string& sub) {
  const std::string settings = "Defender for Cloud > Environment settings > subscription " + sub;
  const std::string toggle = "Turn on Endpoint protection in " + settings +
                             " > Defender plans > Servers > Settings (the WDATP setting).";
  using Wdatp = IntegrationDecision::Wdatp;
  if (d.wdatp == Wdatp::kUnknown) {
    run.findings.Add(Status::kWarn,
                     "Subscription " + sub +
                         " does not report the WDATP (Endpoint protection) setting, so whether "
                         "Defender for Cloud deploys MDE is unknown.",
                     toggle);
  } else if (d.wdatp == Wdatp::kOff) {
    run.findings.Add(Status::kFail,
                     "The Defender for Endpoint integration (WDATP, \"Endpoint protection\") is "
                     "off on subscription " +
                         sub + ": Defender for Cloud will not deploy MDE.",
                     toggle);
  } else {
    run.pass = "The Defender for Endpoint integration (WDATP) is on for subscription " + sub + ".";
  }
  if (d.linux_excluded) {
    run.findings.Add(Status::kFail,
                     "Subscription " + sub +
                         " excludes Linux from the Defender for Endpoint integration "
                         "(WDATP_EXCLUDE_LINUX_PUBLIC_PREVIEW is on, a legacy setting): MDE will "
                         "not be deployed to this Linux machine.",
                     "Enable Defender for Endpoint for Linux in " + settings +
                         " > Integrations, or PUT settings/WDATP_EXCLUDE_LINUX_PUBLIC_PREVIEW with "
                         "enabled false.");
  }
  if (d.unified_missing) {
    run.findings.Add(Status::kWarn,
                     "Subscription " + sub +
                         " has not turned on the unified solution (WDATP_UNIFIED_SOLUTION) that "
                         "Windows Server 2012 R2 and 2016 need for the modern MDE agent.",
                     "Enable the unified solution in " + settings + " > Integrations.");
  }
}

}  // namespace

bool IsLegacyWindowsServer(std::string_view release) {
  return release.rfind("6.3.", 0) == 0 || release == "6.3" || release.rfind("10.0.14393", 0) == 0;
}

IntegrationDecision DecideIntegration(const IntegrationFacts& facts) {
  IntegrationDecision d;
  using Wdatp = IntegrationDecision::Wdatp;
  d.wdatp = !facts.wdatp ? Wdatp::kUnknown : *facts.wdatp ? Wdatp::kOn : Wdatp::kOff;
  // Legacy subscriptions: enabled == true EXCLUDES Linux (the name is inverted; azure.md 4b).
  d.linux_excluded = !facts.windows && facts.exclude_linux == true && d.wdatp == Wdatp::kOn;
  d.unified_missing = facts.legacy_windows_server && facts.unified == false;
  return d;
}

std::optional<CheckResult> IntegrationCheck::Unprepared(const Context& ctx) const {
  if (!cloud::SubscriptionOf(*ctx.cloud).empty()) return std::nullopt;
  return cloud::NoSubscription(Status::kSkip, Subject());
}

void IntegrationCheck::Examine(cloud::CloudRun& run) const {
  const std::string sub = cloud::SubscriptionOf(run.access);
  run.evidence["subscription_id"] = sub;
  run.fields = {{"mde_integration_enabled", nullptr}};
  const std::optional<IntegrationFacts> facts = Gather(run, sub);
  if (!facts) return;
  run.evidence["settings"] = {{"WDATP", Flag(facts->wdatp)},
                              {"WDATP_EXCLUDE_LINUX_PUBLIC_PREVIEW", Flag(facts->exclude_linux)},
                              {"WDATP_UNIFIED_SOLUTION", Flag(facts->unified)}};
  run.evidence["os"] = facts->windows ? "windows" : "linux";
  if (facts->legacy_windows_server) run.evidence["legacy_windows_server"] = true;
  run.fields["mde_integration_enabled"] = Flag(facts->wdatp);
  Word(run, DecideIntegration(*facts), sub);
}

}  // namespace preflight

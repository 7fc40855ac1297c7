#include "probes/azure/org_match_check.h"

#include "probes/azure/cloud_check_support.h"
#include "probes/azure/defender_parsers.h"
#include "probes/azure/json_fields.h"
#include "probes/common/facts.h"

namespace preflight {
namespace {

using Json = nlohmann::json;

constexpr std::string_view kId = "azure.org_match";
// An onboarding package is a few KiB of script; 1 MiB bounds a hostile one.
constexpr std::size_t kMaxPackageBytes = std::size_t{1024} * 1024;

}  // namespace

CheckResult OrgMatchCheck::Run(const Context& ctx) const {
  if (auto early = cloud::WithoutArm(ctx, kId, "the tenant's MDE organisation")) return *early;
  return cloud::Guarded("the MDE organisation", [&] {
    const azure::CloudAccess& access = *ctx.cloud;
    CheckResult result;
    const MdeState& mde = MdeStateOf(ctx);
    const std::string local = arm_json::Lower(mde.org_id);
    const std::string sub = cloud::SubscriptionOf(access);
    if (local.empty() || sub.empty()) {
      result.status = Status::kSkip;
      result.summary = local.empty()
                           ? "Nothing to compare: MDE is not onboarded to an organisation on this "
                             "machine (no org id, see mde.install)."
                           : "Not checked: the machine is outside Azure and no designated "
                             "subscription is configured.";
      result.evidence = {{"reason", local.empty() ? "no_local_org_id" : "no_subscription"}};
      return result;
    }
    Findings findings;
    std::string pass;  // the summary when nothing is wrong
    cloud::CloudErrors errors(access, std::string(kId));
    Json evidence = {{"subscription_id", sub}, {"local_org_id", local}};
    Json fields = {{"tenant_org_id", nullptr}, {"org_id_match", nullptr}};
    const azure::ArmOutcome outcome = access.arm->Get(
        "/subscriptions/" + sub + "/providers/Microsoft.Security/mdeOnboardings/default",
        cloud::kMdeOnboardingsApi);
    const bool windows = cloud::IsWindowsMachine(ctx);
    if (!outcome.Ok()) {
      errors.Add(findings, outcome.error.value_or(azure::ArmError{}),
                 "the tenant's MDE onboarding package");
    } else if (const OnboardingPackages packages = ParseMdeOnboarding(*outcome.body);
               !packages.valid) {
      errors.Add(findings, cloud::Malformed(outcome, "the onboarding packages: " + packages.error),
                 "the tenant's MDE onboarding package");
    } else {
      // Either package names the organisation; prefer the one for this OS.
      std::string tenant;
      const std::string* order[] = {windows ? &packages.windows_base64 : &packages.linux_base64,
                                    windows ? &packages.linux_base64 : &packages.windows_base64};
      for (const std::string* b64 : order) {
        if (!tenant.empty() || b64->empty()) continue;
        if (const auto text = DecodeBase64(*b64, kMaxPackageBytes)) {
          tenant = FindOrgIdInPackage(*text);
        }
      }
      if (tenant.empty()) {
        errors.Add(findings, cloud::Malformed(outcome, "no orgId found in the onboarding packages"),
                   "the tenant's MDE organisation");
      } else {
        evidence["tenant_org_id"] = tenant;
        fields["tenant_org_id"] = tenant;
        fields["org_id_match"] = tenant == local;
        if (tenant == local) {
          pass = ("MDE on this machine is onboarded to organisation " + local +
                  ", the one of subscription " + sub + "'s tenant.");
        } else {
          findings.Add(Status::kFail,
                       "MDE on this machine is onboarded to organisation " + local +
                           ", but subscription " + sub + "'s tenant onboards to " + tenant +
                           ": a device onboarded to another organisation is not reassigned, so "
                           "Defender for Cloud will not take it over.",
                       "Offboard the machine with the offboarding package of organisation " +
                           local +
                           ", then let Defender for Cloud onboard it (or run the "
                           "tenant's onboarding package).");
        }
      }
    }
    evidence["errors"] = errors.Entries();
    result = cloud::Finish(findings, pass, "The tenant's MDE organisation was read.",
                           std::move(evidence));
    result.report = cloud::CloudContribution(std::move(fields), errors);
    return result;
  });
}

}  // namespace preflight

#include "probes/azure/org_match_check.h"

#include "probes/azure/defender_parsers.h"
#include "probes/azure/json_fields.h"
#include "probes/common/facts.h"

namespace preflight {
namespace {

// An onboarding package is a few KiB of script; 1 MiB bounds a hostile one.
constexpr std::size_t kMaxPackageBytes = std::size_t{1024} * 1024;

std::string LocalOrgId(const Context& ctx) { return arm_json::Lower(MdeStateOf(ctx).org_id); }

// The organisation in the tenant's onboarding packages; empty when it could not be learned (the
// error is in run.errors).
std::string TenantOrgId(cloud::CloudRun& run, const std::string& sub) {
  const azure::ArmOutcome outcome =
      run.arm.Get("/subscriptions/" + sub + "/providers/Microsoft.Security/mdeOnboardings/default",
                  cloud::kMdeOnboardingsApi);
  if (!outcome.Ok()) {
    run.errors.Add(run.findings, outcome.error.value_or(azure::ArmError{}),
                   "the tenant's MDE onboarding package");
    return {};
  }
  const OnboardingPackages packages = ParseMdeOnboarding(*outcome.body);
  if (!packages.valid) {
    run.errors.Add(run.findings,
                   cloud::Malformed(outcome, "the onboarding packages: " + packages.error),
                   "the tenant's MDE onboarding package");
    return {};
  }
  // Either package names the organisation; prefer the one for this OS.
  const bool windows = cloud::IsWindowsMachine(run.ctx);
  for (const std::string* b64 : {windows ? &packages.windows_base64 : &packages.linux_base64,
                                 windows ? &packages.linux_base64 : &packages.windows_base64}) {
    if (b64->empty()) continue;
    if (const auto text = DecodeBase64(*b64, kMaxPackageBytes)) {
      if (std::string tenant = FindOrgIdInPackage(*text); !tenant.empty()) return tenant;
    }
  }
  run.errors.Add(run.findings,
                 cloud::Malformed(outcome, "no orgId found in the onboarding packages"),
                 "the tenant's MDE organisation");
  return {};
}

void Word(cloud::CloudRun& run, OrgMatchVerdict verdict, const OrgMatchFacts& facts,
          const std::string& sub) {
  if (verdict == OrgMatchVerdict::kMatch) {
    run.pass = "MDE on this machine is onboarded to organisation " + facts.local +
               ", the one of subscription " + sub + "'s tenant.";
  } else if (verdict == OrgMatchVerdict::kMismatch) {
    run.findings.Add(Status::kFail,
                     "MDE on this machine is onboarded to organisation " + facts.local +
                         ", but subscription " + sub + "'s tenant onboards to " + facts.tenant +
                         ": a device onboarded to another organisation is not reassigned, so "
                         "Defender for Cloud will not take it over.",
                     "Offboard the machine with the offboarding package of organisation " +
                         facts.local +
                         ", then let Defender for Cloud onboard it (or run the tenant's "
                         "onboarding package).");
  }
}

}  // namespace

OrgMatchVerdict DecideOrgMatch(const OrgMatchFacts& facts) {
  if (facts.local.empty() || facts.tenant.empty()) return OrgMatchVerdict::kUnknown;
  return facts.local == facts.tenant ? OrgMatchVerdict::kMatch : OrgMatchVerdict::kMismatch;
}

std::optional<CheckResult> OrgMatchCheck::NotApplicable(const Context& ctx) const {
  if (!LocalOrgId(ctx).empty()) return std::nullopt;
  return cloud::Settled(Status::kSkip,
                        "Nothing to compare: MDE is not onboarded here (see mde.install).",
                        "no_local_org_id");
}

std::optional<CheckResult> OrgMatchCheck::Unprepared(const Context& ctx) const {
  if (!cloud::SubscriptionOf(*ctx.cloud).empty()) return std::nullopt;
  return cloud::NoSubscription(Status::kSkip, Subject());
}

void OrgMatchCheck::Examine(cloud::CloudRun& run) const {
  const std::string sub = cloud::SubscriptionOf(run.access);
  OrgMatchFacts facts{LocalOrgId(run.ctx), {}};
  run.evidence = {{"subscription_id", sub}, {"local_org_id", facts.local}};
  run.fields = {{"tenant_org_id", nullptr}, {"org_id_match", nullptr}};
  facts.tenant = TenantOrgId(run, sub);
  const OrgMatchVerdict verdict = DecideOrgMatch(facts);
  if (verdict != OrgMatchVerdict::kUnknown) {
    run.evidence["tenant_org_id"] = facts.tenant;
    run.fields["tenant_org_id"] = facts.tenant;
    run.fields["org_id_match"] = verdict == OrgMatchVerdict::kMatch;
  }
  Word(run, verdict, facts, sub);
}

}  // namespace preflight

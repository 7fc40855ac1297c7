#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "probes/azure/cloud_check.h"

namespace preflight {

// The two organisation ids azure.org_match compares, in lower case.
struct OrgMatchFacts {
  std::string local;   // the one MDE on this machine is onboarded to
  std::string tenant;  // the one in the tenant's onboarding package; empty when not found
};

enum class OrgMatchVerdict { kUnknown, kMatch, kMismatch };

OrgMatchVerdict DecideOrgMatch(const OrgMatchFacts& facts);

// azure.org_match: whether the MDE organisation this machine is onboarded to is the one of the
// subscription's tenant, read from the tenant's onboarding package (mdeOnboardings/default,
// 2021-10-01-preview). A device onboarded to another organisation is not reassigned by Defender
// for Cloud, so a mismatch fails. Its own check because it needs MDE to be onboarded locally,
// reads a different API, and its remedy (offboard, then onboard again) is unlike the
// integration's. Fills cloud.tenant_org_id and cloud.org_id_match.
class OrgMatchCheck final : public cloud::CloudCheck {
 private:
  std::string_view Subject() const override { return "the tenant's MDE organisation"; }
  std::string_view Fallback() const override { return "The tenant's MDE organisation was read."; }
  std::optional<CheckResult> NotApplicable(const Context& ctx) const override;
  std::optional<CheckResult> Unprepared(const Context& ctx) const override;
  void Examine(cloud::CloudRun& run) const override;
};

}  // namespace preflight

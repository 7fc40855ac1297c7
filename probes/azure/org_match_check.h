#pragma once

#include "probes/check.h"

namespace preflight {

// azure.org_match: whether the MDE organisation this machine is onboarded to is the one of the
// subscription's tenant, read from the tenant's onboarding package (mdeOnboardings/default,
// 2021-10-01-preview). A device onboarded to another organisation is not reassigned by Defender
// for Cloud, so a mismatch fails. Its own check because it needs MDE to be onboarded locally,
// reads a different API, and its remedy (offboard, then onboard again) is unlike the
// integration's. Fills cloud.tenant_org_id and cloud.org_id_match.
class OrgMatchCheck final : public Check {
 public:
  CheckResult Run(const Context& ctx) const override;
};

}  // namespace preflight

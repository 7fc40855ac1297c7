#pragma once

// The base of every cloud-side check. It owns what they share, in this order:
// 1. skip when offline or when the cloud layer did not run;
// 2. the check's own "does not apply to this machine", decided without asking Azure;
// 3. warn when no identity can ask Azure Resource Manager, with the reason and the role to
//    grant, in words every cloud check shares (a SharedCause, so a report says it once);
// 4. the check's precondition once ARM can be asked (a subscription, a resource id);
// 5. the check's body, guarded: an exception becomes a warning.
// The body gathers from ARM into a plain struct, decides in a pure function over it (unit-tested
// by a table) and words the decision into a CloudRun; the base folds that into the CheckResult
// and the check's part of the report's cloud section, errors included.

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "platform/azure/cloud.h"
#include "probes/azure/cloud_check_support.h"
#include "probes/check.h"
#include "probes/common/findings.h"

namespace preflight::cloud {

// What a check body fills.
struct CloudRun {
  CloudRun(const Context& context, std::string_view check_id);

  const Context& ctx;
  const azure::CloudAccess& access;
  azure::ArmClient& arm;
  Findings findings;
  std::string pass;  // the summary when nothing is wrong
  CloudErrors errors;
  nlohmann::json evidence = nlohmann::json::object();
  nlohmann::json fields = nlohmann::json::object();  // this check's fields of report.cloud
};

class CloudCheck : public Check {
 public:
  CheckResult Run(const Context& ctx) const final;

 protected:
  // What the check learns, for "Could not learn <subject>": "the Defender for Servers plan".
  virtual std::string_view Subject() const = 0;
  // The summary when the body neither found a problem nor set a pass sentence.
  virtual std::string_view Fallback() const = 0;
  // Decided without Azure (ctx.cloud set, online): a result when the check does not apply here.
  virtual std::optional<CheckResult> NotApplicable(const Context& ctx) const;
  // Decided once ARM can be asked: a result when a fact the check needs is missing.
  virtual std::optional<CheckResult> Unprepared(const Context& ctx) const;
  virtual void Examine(CloudRun& run) const = 0;
};

// A result without findings: a skip or a warning with its reason in evidence["reason"].
CheckResult Settled(Status status, std::string summary, std::string_view reason,
                    std::string remediation = {});

// The skip of a check that reads the machine's Azure resource, on a server outside Azure: its own
// summary, and the kOutsideAzureCause shared cause (every such check skips for the same reason).
CheckResult OutsideAzure(std::string summary);

// The skip of a check that reads the machine's own Azure resource when the metadata service gave
// no resource id; nullopt when there is one.
std::optional<CheckResult> WithoutResourceId(const Context& ctx);

// The result of a check that needs the subscription (the machine's, or the designated one for a
// server outside Azure) when none is known: kWarn "Could not learn <subject>" with how to set
// it, where the check is the one to say so; kSkip pointing to azure.direct_onboarding elsewhere.
CheckResult NoSubscription(Status status, std::string_view subject);

}  // namespace preflight::cloud

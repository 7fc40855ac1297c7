#pragma once

// What every cloud-side check shares: the api-versions it speaks, what it does when ARM cannot
// be asked (offline, no identity), how an ARM error becomes a finding and an entry of the
// report's cloud.errors, and where the machine sits in ARM.

#include <exception>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "platform/azure/cloud.h"
#include "probes/check.h"
#include "probes/common/findings.h"

namespace preflight::cloud {

// api-versions (reference/azure.md sections 4 and 5).
inline constexpr std::string_view kPricingsApi = "2024-01-01";
inline constexpr std::string_view kSettingsApi = "2022-05-01";
inline constexpr std::string_view kVaSettingsApi = "2023-05-01";
inline constexpr std::string_view kMdeOnboardingsApi = "2021-10-01-preview";
inline constexpr std::string_view kAssessmentsApi = "2021-06-01";
inline constexpr std::string_view kSubAssessmentsApi = "2019-01-01-preview";
inline constexpr std::string_view kComputeApi = "2024-07-01";
inline constexpr std::string_view kHybridComputeApi = "2024-07-10";

// The id of the SharedCause (probes/common/shared_cause.h) of every cloud check that has no
// identity to ask ARM with.
inline constexpr std::string_view kNoIdentityCause = "azure.no_identity";
// ... and of every check that reads the machine's Azure resource, on a server outside Azure.
inline constexpr std::string_view kOutsideAzureCause = "azure.outside_azure";
// ... and of every cloud check skipped because Azure was not asked (--offline, or no cloud layer).
inline constexpr std::string_view kNotAskedCause = "azure.not_asked";

// The skip of a cloud check when offline (--offline) or when the cloud layer did not run.
CheckResult WithoutCloud(const Context& ctx);

// The result of a check that cannot ask ARM: WithoutCloud when offline or without the cloud
// layer; a warning when no identity could be had, with the reason, the role to grant, an entry of
// cloud.errors and the kNoIdentityCause shared cause. nullopt when ARM can be asked.
std::optional<CheckResult> WithoutArm(const Context& ctx, std::string_view check_id,
                                      std::string_view what);

// The failed ARM requests of one check: each becomes a warn finding ("could not learn ...") and
// an entry {check, code, message, request_id} of the report's cloud.errors.
class CloudErrors {
 public:
  CloudErrors(const azure::CloudAccess& cloud, std::string check_id)
      : cloud_(cloud), check_id_(std::move(check_id)) {}
  void Add(Findings& findings, const azure::ArmError& error, std::string_view what);
  const nlohmann::json& Entries() const { return entries_; }

 private:
  const azure::CloudAccess& cloud_;
  std::string check_id_;
  nlohmann::json entries_ = nlohmann::json::array();
};

// {"cloud": {fields..., "errors": [...]}}: the check's contribution to the report.
nlohmann::json CloudContribution(nlohmann::json fields, const CloudErrors& errors);

// Findings::Finish with the check's own pass sentence: the summary when nothing is wrong, else
// kept after the problems (as a note) so that what was learned is still said.
CheckResult Finish(Findings& findings, const std::string& pass, const std::string& fallback,
                   nlohmann::json evidence);

// A 2xx answer whose body is not the shape we expect, as an ArmError (code MalformedResponse).
azure::ArmError Malformed(const azure::ArmOutcome& outcome, std::string detail);

// The entry for cloud.errors.
nlohmann::json ErrorEntry(std::string_view check_id, const azure::ArmError& error);

// The built-in role that grants an action: Security Reader for Microsoft.Security reads, Tag
// Contributor for tags, Reader for other reads (azure.md section 6).
std::string RoleForAction(std::string_view action);

// The subscription whose Defender settings apply: the machine's, else the configured designated
// subscription (direct onboarding); empty when neither is known.
std::string SubscriptionOf(const azure::CloudAccess& cloud);

// The machine's ARM resource id; empty for a machine outside Azure or when IMDS/HIMDS did not say.
const std::string& MachineResourceId(const azure::CloudAccess& cloud);

// ".../Microsoft.HybridCompute/machines/..." (compared case-insensitively, azure.md section 5).
bool IsArcResourceId(std::string_view resource_id);

// From the metadata service's osType, else the running kernel's name.
bool IsWindowsMachine(const Context& ctx);

// "MDE.Windows" or "MDE.Linux".
std::string ExtensionName(const Context& ctx);

bool IsNotFound(const azure::ArmError& error);

// "a few words" -> shortened to max characters on one line, for summaries.
std::string OneLine(std::string_view text, std::size_t max = 300);

// Runs a check body; an exception becomes a warn result instead of leaving the check.
template <class Body>
CheckResult Guarded(std::string_view what, Body&& body) {
  try {
    return body();
  } catch (const std::exception& e) {
    CheckResult result;
    result.status = Status::kWarn;
    result.summary = "Could not check " + std::string(what) + ": internal error: " + e.what();
    result.remediation = "Run again with -v and report the problem.";
    return result;
  }
}

}  // namespace preflight::cloud

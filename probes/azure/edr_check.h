#pragma once

// azure.edr: what Defender for Cloud's agentless scanning discovered on this machine, compared
// with the machine's own view of MDE.
// - "EDR solution should be installed on Virtual Machines" (06e3a6db-..., reference/azure.md
//   section 4f): Healthy with the discovered EDR (the portal's "Discovered EDRs"), Unhealthy when
//   none runs. Available with Defender for Servers Plan 2 or Defender CSPM and agentless scanning
//   on (defender-docs articles/defender-for-cloud/detect-endpoint-detection-response-solutions.md,
//   ms.date 05/28/2026; endpoint-detection-response-solution-recommendations.md, ms.date
//   06/02/2026, which also gives "up to 24 hours" for a machine to turn Healthy).
// - the individual EDR-health recommendations that replace "EDR configuration issues should be
//   resolved on virtual machines" (dc5357d0-...): anti-virus off or partially configured,
//   outdated signatures, scans older than 7 days (keys from defender-docs
//   transition-grouped-individual-recommendations.md, ms.date 06/29/2026; the checks from
//   learn.microsoft.com/azure/defender-for-cloud/endpoint-detection-response, 2026-07-03).
// MDE discovered -> pass; another EDR -> warn naming it; none -> fail where discovery runs (P2 or
// CSPM); no discovery on the plan -> skip, explained; each unhealthy health recommendation -> warn
// with its remediation; the local view (mde.install's onboarded) disagreeing with the cloud's ->
// warn naming both. Fills cloud.edr.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "probes/azure/cloud_check.h"
#include "probes/azure/effective_plan.h"

namespace preflight {

inline constexpr std::string_view kEdrInstalledKey = "06e3a6db-6c0c-4ad9-943f-31d9d73ecf6c";

// One of the individual EDR-health recommendations.
struct EdrHealthRecommendation {
  std::string_view key;
  std::string_view title;        // its display name in Defender for Cloud
  std::string_view remediation;  // ours, when ARM gives no metadata.remediationDescription
};

inline constexpr EdrHealthRecommendation kEdrHealthRecommendations[] = {
    {"506d18a1-d571-4341-aad5-a7d363c5bbd4",
     "Anti-Virus component in your EDR is off or partially configured",
     "Turn the EDR's anti-virus fully on; for MDE, real-time protection (`mdatp config "
     "real-time-protection --value enabled` on Linux, `Set-MpPreference "
     "-DisableRealtimeMonitoring $false` on Windows)."},
    {"aafa7d27-01ae-40c6-a56c-1d0ef04b1d71",
     "Anti-Virus component of your EDR uses outdated signatures",
     "Update the anti-virus signatures; for MDE, `mdatp definitions update` (Linux) or "
     "`Update-MpSignature` (Windows), and check that the machine reaches MDE's update endpoints."},
    {"d44de051-1862-48f8-8476-192aee854699", "Anti-Virus scans of your EDR are out of 7 days",
     "Run a scan and schedule one at least weekly; for MDE, `mdatp scan quick` (Linux) or "
     "`Start-MpScan -ScanType QuickScan` (Windows)."},
};

struct EdrFacts {
  enum class Discovery { kUnread, kNotFound, kHealthy, kUnhealthy, kNotApplicable };
  Discovery discovery = Discovery::kUnread;
  std::vector<std::string> discovered;  // EDR names the assessment gives
  cloud::PlanLevel plan = cloud::PlanLevel::kUnknown;
  std::optional<bool> cspm;             // Defender CSPM (pricings/CloudPosture) on
  std::optional<bool> local_onboarded;  // MDE onboarded on this machine (mde.install's view)
  std::vector<std::size_t> unhealthy;   // indexes into kEdrHealthRecommendations
};

enum class EdrVerdict {
  kUnknown,        // the recommendations could not be read: the error says why
  kMde,            // pass
  kOtherEdr,       // warn, naming it
  kUnnamed,        // Healthy without a name: pass
  kNone,           // Unhealthy where discovery runs: fail
  kNoneUncovered,  // Unhealthy, the plan unknown: warn
  kNotApplicable,  // warn, with the plan's part in it
  kNotYet,         // no assessment although discovery runs: warn (up to 24 hours)
  kNoDiscovery,    // no assessment and no plan that discovers: skip, explained
};

// The machine's view against the cloud's.
enum class EdrMismatch {
  kNone,
  kLocalOnly,           // MDE onboarded here, the cloud discovered no EDR
  kCloudOnly,           // the cloud discovered MDE, MDE is not onboarded here
  kLocalMdeCloudOther,  // MDE onboarded here, the cloud discovered another EDR only
};

struct EdrDecision {
  EdrVerdict verdict = EdrVerdict::kUnknown;
  EdrMismatch mismatch = EdrMismatch::kNone;
  Status status = Status::kPass;  // of the discovery part; health warnings come on top
};

// Whether agentless EDR discovery runs for the machine: Plan 2 or Defender CSPM.
bool EdrDiscoveryAvailable(const EdrFacts& facts);

EdrDecision DecideEdr(const EdrFacts& facts);

class EdrCheck final : public cloud::CloudCheck {
 private:
  std::string_view Subject() const override { return "the EDR Defender for Cloud discovered"; }
  std::string_view Fallback() const override {
    return "Defender for Cloud's EDR discovery was read.";
  }
  std::optional<CheckResult> NotApplicable(const Context& ctx) const override;
  std::optional<CheckResult> Unprepared(const Context& ctx) const override;
  void Examine(cloud::CloudRun& run) const override;
};

}  // namespace preflight

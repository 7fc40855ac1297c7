#include "probes/common/mde_install.h"

#include <vector>

#include "platform/text.h"

namespace preflight {
namespace {

// An OS's word for a state it never reaches may be null.
std::string Text(const char* words) { return words == nullptr ? std::string() : words; }

std::string Described(const MdeState& state) {
  return state.version.empty() ? "MDE" : "MDE " + state.version;
}

// " to organization <id>", or nothing when MDE did not say.
std::string Org(const MdeState& state) {
  return state.org_id.empty() ? "" : " to organization " + state.org_id;
}

std::string NotOnboardedSummary(const MdeInstallFacts& facts, const MdeInstallWords& words) {
  const MdeState& state = facts.state;
  std::string summary =
      Described(state) + " is installed but not onboarded (" +
      Text(state.onboarding_file ? words.unlicensed_reason : words.not_onboarded_reason) + ").";
  std::vector<std::string> others;
  for (const std::string& issue : state.health_issues) {
    if (issue != "missing license") others.push_back(issue);
  }
  if (!others.empty()) summary += " Other health issues: " + Join(others, "; ") + ".";
  if (facts.live && !state.health_error.empty()) {
    summary += " Health is unknown: " + state.health_error + ".";
  }
  return summary;
}

std::string HealthSummary(const MdeInstallFacts& facts, MdeInstallState verdict) {
  const MdeState& state = facts.state;
  const std::string onboarded = Described(state) + " is installed and onboarded" + Org(state);
  switch (verdict) {
    case MdeInstallState::kUnhealthy:
      return Described(state) + " is onboarded" + Org(state) + " but unhealthy: " +
             (state.health_issues.empty() ? std::string("MDE lists no issue")
                                          : Join(state.health_issues, "; ")) +
             ".";
    case MdeInstallState::kHealthy:
      return Described(state) + " is installed, onboarded" + Org(state) + " and healthy" +
             (state.passive_mode == true ? " (antivirus in passive mode)." : ".");
    case MdeInstallState::kHealthNotChecked:
      return onboarded +
             "; its health was not checked because a file tree is inspected, not the running "
             "machine.";
    default:
      return onboarded + " but its health is unknown: " +
             (state.health_error.empty() ? Join(state.notes, "; ") : state.health_error) + ".";
  }
}

struct Words {
  std::string summary;
  std::string remediation;
};

Words Word(const MdeInstallFacts& facts, MdeInstallState verdict, const MdeInstallWords& words) {
  const MdeState& state = facts.state;
  switch (verdict) {
    case MdeInstallState::kInstallUnknown:
      return {"Could not tell whether MDE is installed: " + Join(state.notes, "; ") + ".",
              Text(words.install_unknown)};
    case MdeInstallState::kLegacyMma:
      return {Text(words.legacy_mma_summary), Text(words.legacy_mma)};
    case MdeInstallState::kNotInstalled:
      return {"MDE is not installed; Defender for Cloud will install it.", ""};
    case MdeInstallState::kCorrupt:
      return {Text(words.corrupt_summary), Text(words.corrupt)};
    case MdeInstallState::kConflictingApps:
      return {Described(state) + " reports conflicting applications: " +
                  Join(state.conflicting_applications) + ".",
              Text(words.conflicting_apps)};
    case MdeInstallState::kServiceDown:
      return {"MDE is installed but " + facts.service_problem + ".", Text(words.service_down)};
    case MdeInstallState::kHealthTimedOut:
      return {
          Described(state) + " is installed but its health is unknown: " + state.health_error + ".",
          Text(words.health_timed_out)};
    case MdeInstallState::kNotOnboarded:
      return {NotOnboardedSummary(facts, words), Text(words.not_onboarded)};
    case MdeInstallState::kOnboardingUnknown:
      return {Described(state) + " is installed but its onboarding state is unknown: " +
                  Join(state.notes, "; ") + ".",
              Text(words.onboarding_unknown)};
    case MdeInstallState::kUnhealthy:
      return {HealthSummary(facts, verdict), Text(words.unhealthy)};
    case MdeInstallState::kHealthy:
    case MdeInstallState::kHealthNotChecked:
      return {HealthSummary(facts, verdict), ""};
    case MdeInstallState::kHealthUnknown:
      return {HealthSummary(facts, verdict), Text(words.health_unknown)};
  }
  return {};
}

}  // namespace

MdeInstallVerdict EvaluateMdeInstall(const MdeInstallFacts& facts) {
  const MdeState& state = facts.state;
  using S = MdeInstallState;
  if (!state.installed) return {Status::kWarn, S::kInstallUnknown};
  if (facts.legacy_mma && state.onboarded != true) return {Status::kWarn, S::kLegacyMma};
  if (!*state.installed) return {Status::kPass, S::kNotInstalled};
  if (facts.cli_missing) return {Status::kFail, S::kCorrupt};
  if (!state.conflicting_applications.empty()) return {Status::kFail, S::kConflictingApps};
  if (!facts.service_problem.empty()) return {Status::kFail, S::kServiceDown};
  if (state.health_timed_out) return {Status::kWarn, S::kHealthTimedOut};
  if (state.onboarded == false) return {Status::kWarn, S::kNotOnboarded};
  if (!state.onboarded) return {Status::kWarn, S::kOnboardingUnknown};
  if (state.healthy == false) return {Status::kFail, S::kUnhealthy};
  if (state.healthy == true) return {Status::kPass, S::kHealthy};
  if (!facts.live && facts.health_needs_live) return {Status::kPass, S::kHealthNotChecked};
  return {Status::kWarn, S::kHealthUnknown};
}

CheckResult DescribeMdeInstall(const MdeInstallFacts& facts, const MdeInstallVerdict& verdict,
                               const MdeInstallWords& words) {
  CheckResult result;
  result.status = verdict.status;
  result.report = {{"mde", MdeStateToReport(facts.state)}};
  result.evidence = facts.state.evidence;
  if (!facts.state.service_state.empty()) {
    result.evidence["service_state"] = facts.state.service_state;
  }
  Words text = Word(facts, verdict.state, words);
  result.summary = std::move(text.summary);
  result.remediation = std::move(text.remediation);
  return result;
}

}  // namespace preflight

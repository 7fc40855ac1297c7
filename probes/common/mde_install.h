#pragma once

#include <string>

#include "probes/check.h"
#include "probes/common/mde_state.h"

namespace preflight {

// mde.install's policy and wording, the same on every OS; each OS's check gathers the facts and
// supplies its own words (probes/linux/mde_install_check.h, probes/windows/mde_install_check.h).

// What mde.install concludes; the first that applies decides, in this order.
enum class MdeInstallState {
  kInstallUnknown,     // whether MDE is installed could not be told
  kLegacyMma,          // the legacy MMA-based onboarding, without MDE's own sensor
  kNotInstalled,       // Defender for Cloud installs it; the other checks say whether it can
  kCorrupt,            // the package is there without its command
  kConflictingApps,    // MDE itself lists conflicting applications
  kServiceDown,        // MDE's service is not running
  kHealthTimedOut,     // MDE did not answer about its health in time
  kNotOnboarded,       // Defender for Cloud onboards it
  kOnboardingUnknown,  // installed; whether it is onboarded could not be told
  kUnhealthy,          // onboarded, with health issues
  kHealthy,            // onboarded and healthy (passive mode is stated, not judged)
  kHealthNotChecked,   // onboarded; health needs the running machine and a tree was inspected
  kHealthUnknown,      // onboarded; health could not be read
};

// What mde.install judges: MDE's state and the facts only one OS has.
struct MdeInstallFacts {
  explicit MdeInstallFacts(const MdeState& mde_state) : state(mde_state) {}

  const MdeState& state;
  bool live = true;                // the running machine, not a --root tree
  bool legacy_mma = false;         // the Microsoft Monitoring Agent without the Sense sensor
  bool cli_missing = false;        // the package without its command (mde_installer.sh exits 15)
  std::string service_problem;     // why MDE's service is down; empty when fine or not judged
  bool health_needs_live = false;  // health comes from a command only the live machine answers
};

struct MdeInstallVerdict {
  Status status = Status::kWarn;
  MdeInstallState state = MdeInstallState::kInstallUnknown;
};

// Pure; a table test pins it.
MdeInstallVerdict EvaluateMdeInstall(const MdeInstallFacts& facts);

// Each OS's own words: what to run, where to look. A state the OS never reaches may stay null.
struct MdeInstallWords {
  const char* install_unknown;       // how to tell by hand whether MDE is installed
  const char* not_onboarded_reason;  // kNotOnboarded, in parentheses: why it is not onboarded
  const char* unlicensed_reason;     // ... when the onboarding file is there but MDE is unlicensed
  const char* not_onboarded;         // kNotOnboarded: how it gets onboarded
  const char* onboarding_unknown;    // kOnboardingUnknown
  const char* unhealthy;             // kUnhealthy
  const char* health_unknown;        // kHealthUnknown
  // States only some OSes reach.
  const char* legacy_mma_summary;  // kLegacyMma
  const char* legacy_mma;          // kLegacyMma: the way to the unified agent
  const char* corrupt_summary;     // kCorrupt
  const char* corrupt;             // kCorrupt
  const char* conflicting_apps;    // kConflictingApps
  const char* service_down;        // kServiceDown
  const char* health_timed_out;    // kHealthTimedOut
};

// The verdict in words, with the report's `mde` section and the evidence. Pure.
CheckResult DescribeMdeInstall(const MdeInstallFacts& facts, const MdeInstallVerdict& verdict,
                               const MdeInstallWords& words);

}  // namespace preflight

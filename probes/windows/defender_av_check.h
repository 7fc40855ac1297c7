#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "platform/service_manager.h"
#include "probes/check.h"

namespace preflight {

// What windows.defender_av reads, as plain data: the policy and state values (nullopt when not
// set or not readable) and the WinDefend service.
struct DefenderAvFacts {
  std::optional<std::uint32_t> disable_anti_spyware;  // policy DisableAntiSpyware
  std::optional<std::uint32_t> disable_anti_virus;    // policy DisableAntiVirus
  std::optional<std::uint32_t> disable_realtime;      // policy DisableRealtimeMonitoring
  std::optional<std::uint32_t> force_passive_policy;  // ATP policy ForceDefenderPassiveMode
  std::optional<std::uint32_t> force_passive;         // Windows Defender!ForcePassiveMode
  std::optional<std::uint32_t> passive;               // Windows Defender!PassiveMode
  std::optional<ServiceStatus> windefend;             // nullopt when it could not be asked
  std::optional<std::uint32_t> build;                 // the Windows build
  std::vector<std::string> errors;                    // what could not be read, and why
};

enum class DefenderAvFinding {
  kTurnedOffByPolicy,  // DisableAntiSpyware / DisableAntiVirus
  kStateUnknown,       // WinDefend could not be asked
  kNotInstalled,
  kNotRunning,
  kPassivePending,  // ForceDefenderPassiveMode set, Defender still active
  kRealTimeOff,     // DisableRealtimeMonitoring
  kRunning,
};

struct DefenderAvVerdict {
  DefenderAvFinding finding = DefenderAvFinding::kStateUnknown;
  Status status = Status::kWarn;
  std::string mode;                     // "active", "passive" or "passive (forced)"
  std::vector<std::string> turned_off;  // the policies that turn Defender off
};

// Policy, in order:
//  - DisableAntiSpyware / DisableAntiVirus policy set -> fail: Sense fails to start with 577/1058
//    and the unified agent's installer stops with error 39 (troubleshoot-onboarding.md,
//    Install.ps1 L1183).
//  - WinDefend not installed -> fail ("install MDAV", configure-server-endpoints.md); on 2012 R2 a
//    warn, since the unified agent brings it.
//  - WinDefend installed but not running -> fail: MDE needs it running, active or passive.
//  - running: ForceDefenderPassiveMode set while Defender is still active -> warn (it takes
//    effect at onboarding, not after; tamper protection then keeps it active); real-time
//    protection turned off by policy -> warn; else pass, stating the mode. Pure.
DefenderAvVerdict EvaluateDefenderAv(const DefenderAvFacts& facts);

// windows.defender_av: Microsoft Defender Antivirus (WinDefend) state, its mode (active, passive,
// forced passive) and the policies that stop Defender or Sense (DisableAntiSpyware, ...).
class DefenderAvCheck final : public Check {
 public:
  CheckResult Run(const Context& ctx) const override;
};

}  // namespace preflight

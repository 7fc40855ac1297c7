#include "probes/windows/defender_av_check.h"

#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "platform/registry.h"
#include "platform/service_manager.h"
#include "platform/text.h"
#include "probes/windows/mde_state_windows.h"
#include "probes/windows/windows_version.h"

namespace preflight {
namespace {

using Json = nlohmann::json;

constexpr const char* kDefenderPolicyKey = "SOFTWARE\\Policies\\Microsoft\\Windows Defender";
constexpr const char* kRealTimePolicyKey =
    "SOFTWARE\\Policies\\Microsoft\\Windows Defender\\Real-Time Protection";

std::optional<std::uint32_t> Read(const Registry& registry, const char* key, const char* name,
                                  std::vector<std::string>& errors) {
  const Result<std::uint32_t> value = registry.ReadDword(key, name);
  if (value.Ok()) return value.Value();
  if (value.Err().kind != ErrorKind::kNotFound) errors.push_back(value.Err().message);
  return std::nullopt;
}

bool On(const std::optional<std::uint32_t>& value) { return value.value_or(0) != 0; }

Json OrNull(const std::optional<std::uint32_t>& value) { return value ? Json(*value) : Json(); }

DefenderAvFacts GatherDefenderAv(const Context& ctx) {
  DefenderAvFacts facts;
  const Registry& registry = ctx.registry;
  std::vector<std::string>& errors = facts.errors;
  facts.disable_anti_spyware = Read(registry, kDefenderPolicyKey, "DisableAntiSpyware", errors);
  facts.disable_anti_virus = Read(registry, kDefenderPolicyKey, "DisableAntiVirus", errors);
  facts.disable_realtime = Read(registry, kRealTimePolicyKey, "DisableRealtimeMonitoring", errors);
  facts.force_passive_policy = Read(registry, kAtpPolicyKey, "ForceDefenderPassiveMode", errors);
  facts.force_passive = Read(registry, kDefenderKey, "ForcePassiveMode", errors);
  facts.passive = Read(registry, kDefenderKey, "PassiveMode", errors);
  facts.build = ReadWindowsVersion(registry).build;
  if (!ctx.services.Available()) {
    errors.push_back("the service control manager is not available");
    return facts;
  }
  const Result<ServiceStatus> queried = ctx.services.Query("WinDefend");
  if (queried.Ok()) {
    facts.windefend = queried.Value();
  } else {
    errors.push_back("cannot query WinDefend: " + queried.Err().message);
  }
  return facts;
}

// Summary and remediation of each finding but kRunning (worded in WordDefenderAv).
std::pair<std::string, std::string> Words(const DefenderAvFacts& facts,
                                          const DefenderAvVerdict& verdict) {
  switch (verdict.finding) {
    case DefenderAvFinding::kTurnedOffByPolicy:
      return {"Group policy turns Microsoft Defender Antivirus off (" + Join(verdict.turned_off) +
                  " in HKLM\\" + kDefenderPolicyKey +
                  "): Sense then fails to start (error 577 or 1058) and the unified agent's "
                  "installer stops with error 39.",
              "Remove the policy (Computer Configuration > Administrative Templates > Windows "
              "Components > Microsoft Defender Antivirus > Turn off Microsoft Defender Antivirus) "
              "and delete the registry value. To run another antivirus, set "
              "ForceDefenderPassiveMode=1 instead."};
    case DefenderAvFinding::kStateUnknown:
      return {"Could not read the state of Microsoft Defender Antivirus: " +
                  Join(facts.errors, "; ") + ".",
              "Run `sc.exe query windefend` as an administrator."};
    case DefenderAvFinding::kNotInstalled:
      return {verdict.status == Status::kWarn
                  ? "Microsoft Defender Antivirus (WinDefend) is not installed; on Windows Server "
                    "2012 R2 the unified agent installs it."
                  : "Microsoft Defender Antivirus (WinDefend) is not installed.",
              "Install the Windows Defender feature (`Install-WindowsFeature -Name "
              "Windows-Defender`, then restart); with another antivirus, set "
              "ForceDefenderPassiveMode=1 before onboarding."};
    case DefenderAvFinding::kNotRunning:
      return {"Microsoft Defender Antivirus (WinDefend) is installed but " +
                  std::string(ServiceStateName(facts.windefend->state)) + " (" +
                  facts.windefend->detail + "); MDE needs it running, in active or passive mode.",
              "Start it (`sc.exe start windefend`) and keep its start type at automatic; if "
              "another antivirus disabled it, update that product and run Defender in passive "
              "mode."};
    case DefenderAvFinding::kPassivePending:
      return {
          "Microsoft Defender Antivirus runs in active mode although "
          "ForceDefenderPassiveMode=1 is set: the policy takes effect when the device is "
          "onboarded.",
          "Onboard the device; if it is onboarded already, tamper protection keeps Defender "
          "active — turn it off for this device, then set the policy again."};
    case DefenderAvFinding::kRealTimeOff:
      return {"Microsoft Defender Antivirus runs in " + verdict.mode +
                  " mode, but policy turns its real-time protection off "
                  "(DisableRealtimeMonitoring).",
              "Remove the DisableRealtimeMonitoring policy, or use passive mode if another "
              "antivirus protects the machine."};
    case DefenderAvFinding::kRunning:
      break;
  }
  return {"Microsoft Defender Antivirus is running in " + verdict.mode + " mode.", ""};
}

CheckResult WordDefenderAv(const DefenderAvFacts& facts, const DefenderAvVerdict& verdict) {
  CheckResult result;
  const std::optional<ServiceStatus>& service = facts.windefend;
  result.evidence = {{"windefend", service ? Json(ServiceStateName(service->state)) : Json()},
                     {"windefend_detail", service ? Json(service->detail) : Json()},
                     {"mode", verdict.mode},
                     {"policy",
                      {{"DisableAntiSpyware", OrNull(facts.disable_anti_spyware)},
                       {"DisableAntiVirus", OrNull(facts.disable_anti_virus)},
                       {"DisableRealtimeMonitoring", OrNull(facts.disable_realtime)},
                       {"ForceDefenderPassiveMode", OrNull(facts.force_passive_policy)}}},
                     {"errors", facts.errors}};
  result.status = verdict.status;
  std::tie(result.summary, result.remediation) = Words(facts, verdict);
  return result;
}

}  // namespace

DefenderAvVerdict EvaluateDefenderAv(const DefenderAvFacts& facts) {
  DefenderAvVerdict verdict;
  verdict.mode = On(facts.force_passive) ? "passive (forced)"
                 : On(facts.passive)     ? "passive"
                                         : "active";
  if (On(facts.disable_anti_spyware)) verdict.turned_off.push_back("DisableAntiSpyware");
  if (On(facts.disable_anti_virus)) verdict.turned_off.push_back("DisableAntiVirus");
  const auto decide = [&](DefenderAvFinding finding, Status status) {
    verdict.finding = finding;
    verdict.status = status;
    return verdict;
  };
  if (!verdict.turned_off.empty())
    return decide(DefenderAvFinding::kTurnedOffByPolicy, Status::kFail);
  if (!facts.windefend) return decide(DefenderAvFinding::kStateUnknown, Status::kWarn);
  const ServiceState state = facts.windefend->state;
  if (state == ServiceState::kNotFound) {
    // Server 2012 R2 (build 9600): the unified agent installs Defender Antivirus.
    return decide(DefenderAvFinding::kNotInstalled,
                  facts.build == 9600U ? Status::kWarn : Status::kFail);
  }
  if (state != ServiceState::kActive && state != ServiceState::kActivating) {
    return decide(DefenderAvFinding::kNotRunning, Status::kFail);
  }
  if (On(facts.force_passive_policy) && verdict.mode == "active") {
    return decide(DefenderAvFinding::kPassivePending, Status::kWarn);
  }
  if (On(facts.disable_realtime)) return decide(DefenderAvFinding::kRealTimeOff, Status::kWarn);
  return decide(DefenderAvFinding::kRunning, Status::kPass);
}

CheckResult DefenderAvCheck::Run(const Context& ctx) const {
  const DefenderAvFacts facts = GatherDefenderAv(ctx);
  return WordDefenderAv(facts, EvaluateDefenderAv(facts));
}

}  // namespace preflight

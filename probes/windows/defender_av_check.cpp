#include "probes/windows/defender_av_check.h"

#include <optional>
#include <string>
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

struct Flag {
  const char* key;
  const char* name;
  std::optional<std::uint32_t> value;
};

std::optional<std::uint32_t> Read(const Registry& registry, const char* key, const char* name,
                                  std::vector<std::string>& errors) {
  const Result<std::uint32_t> value = registry.ReadDword(key, name);
  if (value.Ok()) return value.Value();
  if (value.Err().kind != ErrorKind::kNotFound) errors.push_back(value.Err().message);
  return std::nullopt;
}

bool On(const std::optional<std::uint32_t>& value) { return value.value_or(0) != 0; }

}  // namespace

// Policy, in order:
//  - DisableAntiSpyware / DisableAntiVirus policy set -> fail: Sense fails to start with 577/1058
//    and the unified agent's installer stops with error 39 (troubleshoot-onboarding.md,
//    Install.ps1 L1183).
//  - WinDefend not installed -> fail ("install MDAV", configure-server-endpoints.md); on 2012 R2 a
//    warn, since the unified agent brings it.
//  - WinDefend installed but not running -> fail: MDE needs it running, active or passive.
//  - real-time protection turned off by policy -> warn.
//  - running: pass, stating the mode (active, passive, forced passive); ForceDefenderPassiveMode
//    set while Defender is still active -> warn (it takes effect at onboarding, not after; tamper
//    protection then keeps it active).
CheckResult DefenderAvCheck::Run(const Context& ctx) const {
  CheckResult result;
  const Registry& registry = ctx.registry;
  std::vector<std::string> errors;
  const auto anti_spyware = Read(registry, kDefenderPolicyKey, "DisableAntiSpyware", errors);
  const auto anti_virus = Read(registry, kDefenderPolicyKey, "DisableAntiVirus", errors);
  const auto realtime = Read(registry, kRealTimePolicyKey, "DisableRealtimeMonitoring", errors);
  const auto force_policy = Read(registry, kAtpPolicyKey, "ForceDefenderPassiveMode", errors);
  const auto forced = Read(registry, kDefenderKey, "ForcePassiveMode", errors);
  const auto passive = Read(registry, kDefenderKey, "PassiveMode", errors);
  const WindowsVersion version = ReadWindowsVersion(registry);

  std::string mode = "active";
  if (On(forced)) {
    mode = "passive (forced)";
  } else if (On(passive)) {
    mode = "passive";
  }
  std::optional<ServiceStatus> service;
  if (ctx.services.Available()) {
    const Result<ServiceStatus> queried = ctx.services.Query("WinDefend");
    if (queried.Ok()) {
      service = queried.Value();
    } else {
      errors.push_back("cannot query WinDefend: " + queried.Err().message);
    }
  } else {
    errors.push_back("the service control manager is not available");
  }
  result.evidence = {{"windefend", service ? Json(ServiceStateName(service->state)) : Json()},
                     {"windefend_detail", service ? Json(service->detail) : Json()},
                     {"mode", mode},
                     {"policy",
                      {{"DisableAntiSpyware", anti_spyware ? Json(*anti_spyware) : Json()},
                       {"DisableAntiVirus", anti_virus ? Json(*anti_virus) : Json()},
                       {"DisableRealtimeMonitoring", realtime ? Json(*realtime) : Json()},
                       {"ForceDefenderPassiveMode", force_policy ? Json(*force_policy) : Json()}}},
                     {"errors", errors}};

  std::vector<std::string> disabled;
  if (On(anti_spyware)) disabled.push_back("DisableAntiSpyware");
  if (On(anti_virus)) disabled.push_back("DisableAntiVirus");
  if (!disabled.empty()) {
    result.status = Status::kFail;
    result.summary = "Group policy turns Microsoft Defender Antivirus off (" + Join(disabled) +
                     " in HKLM\\" + kDefenderPolicyKey +
                     "): Sense then fails to start (error 577 or 1058) and the unified agent's "
                     "installer stops with error 39.";
    result.remediation =
        "Remove the policy (Computer Configuration > Administrative Templates > Windows Components "
        "> Microsoft Defender Antivirus > Turn off Microsoft Defender Antivirus) and delete the "
        "registry value. To run another antivirus, set ForceDefenderPassiveMode=1 instead.";
    return result;
  }
  if (!service) {
    result.status = Status::kWarn;
    result.summary =
        "Could not read the state of Microsoft Defender Antivirus: " + Join(errors, "; ") + ".";
    result.remediation = "Run `sc.exe query windefend` as an administrator.";
    return result;
  }
  const bool downlevel_2012 = version.build == 9600U;
  if (service->state == ServiceState::kNotFound) {
    result.status = downlevel_2012 ? Status::kWarn : Status::kFail;
    result.summary = downlevel_2012
                         ? "Microsoft Defender Antivirus (WinDefend) is not installed; on Windows "
                           "Server 2012 R2 the unified agent installs it."
                         : "Microsoft Defender Antivirus (WinDefend) is not installed.";
    result.remediation =
        "Install the Windows Defender feature (`Install-WindowsFeature -Name Windows-Defender`, "
        "then restart); with another antivirus, set ForceDefenderPassiveMode=1 before onboarding.";
    return result;
  }
  if (service->state != ServiceState::kActive && service->state != ServiceState::kActivating) {
    result.status = Status::kFail;
    result.summary = "Microsoft Defender Antivirus (WinDefend) is installed but " +
                     std::string(ServiceStateName(service->state)) + " (" + service->detail +
                     "); MDE needs it running, in active or passive mode.";
    result.remediation =
        "Start it (`sc.exe start windefend`) and keep its start type at automatic; "
        "if another antivirus disabled it, update that product and run Defender in passive mode.";
    return result;
  }
  if (On(force_policy) && mode == "active") {
    result.status = Status::kWarn;
    result.summary =
        "Microsoft Defender Antivirus runs in active mode although ForceDefenderPassiveMode=1 is "
        "set: the policy takes effect when the device is onboarded.";
    result.remediation =
        "Onboard the device; if it is onboarded already, tamper protection keeps Defender active "
        "— turn it off for this device, then set the policy again.";
    return result;
  }
  if (On(realtime)) {
    result.status = Status::kWarn;
    result.summary = "Microsoft Defender Antivirus runs in " + mode +
                     " mode, but policy turns its real-time protection off "
                     "(DisableRealtimeMonitoring).";
    result.remediation =
        "Remove the DisableRealtimeMonitoring policy, or use passive mode if another antivirus "
        "protects the machine.";
    return result;
  }
  result.status = Status::kPass;
  result.summary = "Microsoft Defender Antivirus is running in " + mode + " mode.";
  return result;
}

}  // namespace preflight

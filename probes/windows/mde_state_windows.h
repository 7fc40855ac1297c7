#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "platform/service_manager.h"
#include "probes/check.h"
#include "probes/common/mde_state.h"

namespace preflight {

// Registry keys MDE on Windows writes (reference/windows.md §1.1, MDEClientAnalyzer.ps1).
inline constexpr const char* kAtpKey = "SOFTWARE\\Microsoft\\Windows Advanced Threat Protection";
inline constexpr const char* kAtpStatusKey =
    "SOFTWARE\\Microsoft\\Windows Advanced Threat Protection\\Status";
inline constexpr const char* kAtpPolicyKey =
    "SOFTWARE\\Policies\\Microsoft\\Windows Advanced Threat Protection";
inline constexpr const char* kDefenderKey = "SOFTWARE\\Microsoft\\Windows Defender";

// A FILETIME (100 ns ticks since 1601-01-01 UTC) as a time point; nullopt for 0 or a value past
// the year 9999.
std::optional<std::chrono::system_clock::time_point> FiletimeToTimePoint(std::uint64_t filetime);
// "2024-05-08T12:00:00Z".
std::string FormatUtc(std::chrono::system_clock::time_point time);

// A device that sent nothing for more than 7 days is "Inactive" in the Defender portal
// (defender-docs defender-endpoint/fix-unhealthy-sensors.md).
inline constexpr std::chrono::hours kMaxSilence{7 * 24};

// What ReadWindowsMdeState reads, as plain data; nullopt where a value is absent or unreadable.
struct WindowsMdeFacts {
  std::optional<ServiceStatus> sense;  // the Sense service; nullopt when it could not be asked
  bool unified_agent = false;          // md4ws.msi's entry in Add/Remove Programs
  std::string unified_agent_name;
  std::string unified_agent_version;
  std::optional<bool> atp_key;  // the Windows Advanced Threat Protection key exists
  std::string sense_id;
  std::string install_location;
  std::optional<std::uint32_t> onboarding_state;
  std::string org_id;
  std::optional<bool> status_key;               // its Status subkey exists
  std::optional<std::uint64_t> last_connected;  // FILETIME
  bool mma = false;  // the legacy Microsoft Monitoring Agent (HealthService) is registered
  std::optional<std::uint32_t> force_passive;  // Windows Defender!ForcePassiveMode
  std::optional<std::uint32_t> passive;        // Windows Defender!PassiveMode
  std::vector<std::string> notes;              // what could not be read, and why
};

// Installed, onboarded and healthy from the facts: LastConnected is judged against `now`. Pure.
MdeState EvaluateWindowsMdeState(const WindowsMdeFacts& facts,
                                 std::chrono::system_clock::time_point now);

// MDE's state on a Windows machine: the Sense service, the ATP status key (OnboardingState, OrgId,
// LastConnected), SenseId, the unified agent's ARP entry (2012 R2 / 2016), the legacy MMA
// (HealthService) and Defender's passive mode. Reads only through ctx.registry and ctx.services, so
// it runs over fakes on any build; `now` is when LastConnected is judged.
MdeState ReadWindowsMdeState(const Context& ctx, std::chrono::system_clock::time_point now);

// The run's MdeState (HostFacts memo) read the Windows way; on Windows MdeStateOf gives the same.
const MdeState& WindowsMdeStateOf(const Context& ctx);

}  // namespace preflight

#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

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

// MDE's state on a Windows machine: the Sense service, the ATP status key (OnboardingState, OrgId,
// LastConnected), SenseId, the unified agent's ARP entry (2012 R2 / 2016), the legacy MMA
// (HealthService) and Defender's passive mode. Reads only through ctx.registry and ctx.services, so
// it runs over fakes on any build; `now` is when LastConnected is judged.
MdeState ReadWindowsMdeState(const Context& ctx, std::chrono::system_clock::time_point now);

// The run's MdeState (HostFacts memo) read the Windows way; on Windows MdeStateOf gives the same.
const MdeState& WindowsMdeStateOf(const Context& ctx);

}  // namespace preflight

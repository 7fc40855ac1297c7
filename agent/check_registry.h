#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "platform/result.h"
#include "probes/check.h"

namespace preflight {

enum class Platform { kLinux, kWindows };

inline constexpr Platform kPlatforms[] = {Platform::kLinux, Platform::kWindows};

// "linux" or "windows", as in the report's host.os.family.
std::string_view PlatformName(Platform platform);

// The platform this agent was built for.
Platform ThisPlatform();

using CheckFactory = std::unique_ptr<Check> (*)();

// The platforms a check runs on, as bits.
inline constexpr unsigned kOnLinux = 1U << 0;
inline constexpr unsigned kOnWindows = 1U << 1;

// One check, declared once (agent/check_registry.cpp). Everything else the agent knows of checks
// derives from these entries: the checks of this platform in report order, the ids of the other
// platform's checks, --only / --ignore validation, `mde-preflight checks`.
struct CheckEntry {
  std::string_view id;  // stable, dotted lowercase: "linux.fanotify"
  std::string_view title;
  unsigned platforms = 0;  // kOnLinux, kOnWindows
  // This build's body of the check; null where it does not run: a build has only its own
  // platform's bodies (probes/CMakeLists.txt compiles probes/linux/ on Linux only).
  CheckFactory make = nullptr;

  bool RunsOn(Platform platform) const;
  bool RunsHere() const { return RunsOn(ThisPlatform()); }
};

// Every check of every platform, in report order.
std::span<const CheckEntry> AllChecks();

// The entry of `id` (case-insensitive: ids match like --ignore's), or null.
const CheckEntry* FindCheck(std::string_view id);

// This platform's checks, in report order, each named by its entry.
std::vector<std::unique_ptr<Check>> MakePlatformChecks();

// The check `id` as this platform runs it, named; null when it does not run here.
std::unique_ptr<Check> MakeCheck(std::string_view id);

// True for the id of a check that runs only on another platform ("windows.minifilters" on
// Linux), so that one --ignore list can serve a mixed fleet.
bool IsCheckIdOfAnotherPlatform(std::string_view id);

// This platform's checks narrowed by --only (lower-cased ids; empty: all). Every id in `only` and
// `ignore` must name a check of some platform (`ignore` may be just "all"): a typo must not
// silently ignore nothing. The error says which flag and lists this platform's checks.
Result<std::vector<std::shared_ptr<const Check>>> SelectPlatformChecks(
    const std::vector<std::string>& only, const std::vector<std::string>& ignore);

}  // namespace preflight

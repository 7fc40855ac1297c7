#pragma once

// Pure parsing of systemd's answers, OS-neutral so it is unit-tested and fuzzed on every build.

#include <optional>
#include <string>
#include <string_view>

#include "platform/service_manager.h"

namespace preflight {

// The properties that
// `systemctl show --property=LoadState,ActiveState,SubState,UnitFileState UNIT` prints.
struct SystemctlShow {
  bool ok = false;              // LoadState and ActiveState were present and well-formed
  std::string error;            // why not, when !ok
  std::string load_state;       // loaded, not-found, masked, bad-setting, error, ...
  std::string active_state;     // active, reloading, inactive, failed, activating, deactivating
  std::string sub_state;        // running, dead, exited, ... (depends on the unit type)
  std::string unit_file_state;  // enabled, disabled, static, masked, ... or empty
};

// Parses `systemctl show` output: one KEY=VALUE per line, units separated by an empty line
// (systemctl(1), "show"); only the first unit counts. Values must be systemd state words
// ([a-z0-9-], at most 64 characters), so no unchecked byte reaches a report. Never throws.
SystemctlShow ParseSystemctlShow(std::string_view text);

// The ServiceStatus those properties mean; `detail` reads like systemctl status: "active
// (running), enabled". A !ok input gives kUnknown with the parse error as detail.
ServiceStatus ServiceStatusFromShow(const SystemctlShow& show);

// The unit name to ask systemd about: `name` itself when it ends in a unit type suffix, else
// `name` + ".service", as systemctl does. nullopt when `name` is not a valid unit name (systemd
// src/basic/unit-name.c), which also keeps globs and option-like junk away from systemctl.
std::optional<std::string> SystemdUnitName(std::string_view name);

}  // namespace preflight

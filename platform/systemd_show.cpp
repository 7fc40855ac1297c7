#include "platform/systemd_show.h"

#include <array>

namespace preflight {
namespace {

// systemd's state strings are short words ("deactivating-sigterm" is among the longest).
constexpr std::size_t kMaxStateLength = 64;
// UNIT_NAME_MAX in systemd src/basic/unit-name.h counts the terminating NUL.
constexpr std::size_t kMaxUnitNameLength = 255;
// unit_type_table in systemd src/basic/unit-def.c.
constexpr std::array<std::string_view, 11> kUnitTypes = {"service", "mount",  "swap",      "socket",
                                                         "target",  "device", "automount", "timer",
                                                         "path",    "slice",  "scope"};

bool IsStateWord(std::string_view value) {
  if (value.size() > kMaxStateLength) return false;
  for (const char c : value) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

// VALID_CHARS_WITH_AT in systemd src/basic/unit-name.c.
bool IsUnitNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ':' ||
         c == '-' || c == '_' || c == '.' || c == '\\' || c == '@';
}

std::string* Field(SystemctlShow& show, std::string_view key) {
  if (key == "LoadState") return &show.load_state;
  if (key == "ActiveState") return &show.active_state;
  if (key == "SubState") return &show.sub_state;
  if (key == "UnitFileState") return &show.unit_file_state;
  return nullptr;
}

}  // namespace

SystemctlShow ParseSystemctlShow(std::string_view text) {
  SystemctlShow show;
  bool seen_load = false;
  bool seen_active = false;
  bool seen_any = false;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) {
      if (seen_any) break;  // the next unit's block
      continue;
    }
    seen_any = true;
    const std::size_t eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    std::string* field = Field(show, line.substr(0, eq));
    if (field == nullptr) continue;
    const std::string_view value = line.substr(eq + 1);
    if (!IsStateWord(value)) {
      show.error = "unexpected value for " + std::string(line.substr(0, eq));
      return show;
    }
    *field = std::string(value);
    if (field == &show.load_state) seen_load = true;
    if (field == &show.active_state) seen_active = true;
  }
  if (!seen_load || show.load_state.empty()) {
    show.error = "no LoadState in systemctl show output";
  } else if (!seen_active || show.active_state.empty()) {
    show.error = "no ActiveState in systemctl show output";
  } else {
    show.ok = true;
  }
  return show;
}

ServiceStatus ServiceStatusFromShow(const SystemctlShow& show) {
  if (!show.ok) return ServiceStatus{ServiceState::kUnknown, show.error};
  const std::string_view active = show.active_state;
  // A unit whose file was removed while it ran stays active with LoadState=not-found until it
  // stops, so not-found only means "no such service" when nothing is running.
  if (show.load_state == "not-found" && (active == "inactive" || active == "failed")) {
    return ServiceStatus{ServiceState::kNotFound, "not-found"};
  }
  ServiceState state = ServiceState::kUnknown;
  if (active == "active" || active == "reloading") {
    state = ServiceState::kActive;
  } else if (active == "inactive" || active == "deactivating") {
    state = ServiceState::kInactive;
  } else if (active == "failed") {
    state = ServiceState::kFailed;
  } else if (active == "activating") {
    state = ServiceState::kActivating;
  }
  std::string detail = show.active_state;
  if (!show.sub_state.empty()) detail += " (" + show.sub_state + ")";
  if (show.load_state != "loaded") detail += ", " + show.load_state;
  if (!show.unit_file_state.empty() && show.unit_file_state != show.load_state) {
    detail += ", " + show.unit_file_state;
  }
  return ServiceStatus{state, detail};
}

std::optional<std::string> SystemdUnitName(std::string_view name) {
  if (name.empty() || name.size() > kMaxUnitNameLength || name.front() == '.') return std::nullopt;
  for (const char c : name) {
    if (!IsUnitNameChar(c)) return std::nullopt;
  }
  const std::size_t dot = name.rfind('.');
  if (dot != std::string_view::npos) {
    const std::string_view suffix = name.substr(dot + 1);
    for (const std::string_view type : kUnitTypes) {
      if (suffix == type) return std::string(name);
    }
  }
  constexpr std::string_view kService = ".service";
  if (name.size() + kService.size() > kMaxUnitNameLength) return std::nullopt;
  return std::string(name) + std::string(kService);
}

}  // namespace preflight

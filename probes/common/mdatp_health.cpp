#include "probes/common/mdatp_health.h"

#include <cctype>

#include <nlohmann/json.hpp>

#include "platform/text.h"

namespace preflight {
namespace {

using Json = nlohmann::json;

// Health values are short; a longer one is garbage and is cut so that it cannot bloat the report.
constexpr std::size_t kMaxValueChars = 512;
// MDE lists a handful of issues or applications; more than this is garbage.
constexpr std::size_t kMaxListItems = 64;

std::string Bounded(std::string_view s) { return std::string(s.substr(0, kMaxValueChars)); }

// "unavailable" is how mdatp health says "none" (health-status.md, org_id).
std::string Identifier(std::string_view s) {
  s = Trim(s);
  if (s == "unavailable" || s == "null") return {};
  return Bounded(s);
}

// "upToDate" (JSON $type) -> "up_to_date" (the field output's spelling).
std::string SnakeCase(std::string_view s) {
  std::string out;
  for (const char c : s.substr(0, kMaxValueChars)) {
    if (std::isupper(static_cast<unsigned char>(c))) {
      if (!out.empty()) out.push_back('_');
      out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    } else {
      out.push_back(c);
    }
  }
  return out;
}

// A list entry in words: strings as they are, objects as their scalar members. Nested values are
// not rendered (no recursion over untrusted depth).
std::string Describe(const Json& value) {
  if (value.is_string()) return Bounded(value.get_ref<const std::string&>());
  if (value.is_boolean() || value.is_number()) return value.dump();
  if (value.is_object()) {
    std::string out;
    for (const auto& [key, member] : value.items()) {
      if (member.is_structured() || member.is_null()) continue;
      if (!out.empty()) out += ", ";
      out += key + "=" + (member.is_string() ? member.get<std::string>() : member.dump());
      if (out.size() > kMaxValueChars) break;
    }
    return Bounded(out);
  }
  return {};
}

// Settings come as {"value": x, "isManaged": ...}; plain values are taken as they are.
const Json* Unwrap(const Json& object, const char* key) {
  const auto it = object.find(key);
  if (it == object.end()) return nullptr;
  if (it->is_object()) {
    const auto value = it->find("value");
    return value == it->end() ? nullptr : &*value;
  }
  return &*it;
}

std::optional<bool> BoolOf(const Json* value) {
  if (value == nullptr) return std::nullopt;
  if (value->is_boolean()) return value->get<bool>();
  if (value->is_string()) {
    if (*value == "true") return true;
    if (*value == "false") return false;
  }
  return std::nullopt;
}

std::string StringOf(const Json* value) {
  if (value == nullptr || !value->is_string()) return {};
  return Bounded(value->get_ref<const std::string&>());
}

std::vector<std::string> ListOf(const Json* value) {
  std::vector<std::string> out;
  if (value == nullptr || !value->is_array()) return out;
  for (const auto& item : *value) {
    if (out.size() >= kMaxListItems) break;
    std::string text = Describe(item);
    if (!text.empty()) out.push_back(std::move(text));
  }
  return out;
}

// ["a", "b"] in the field output is JSON; anything else is split on commas.
std::vector<std::string> ParseListValue(std::string_view value) {
  const Json parsed = Json::parse(value, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_array()) return ListOf(&parsed);
  std::vector<std::string> out;
  if (!value.empty() && value.front() == '[') value.remove_prefix(1);
  if (!value.empty() && value.back() == ']') value.remove_suffix(1);
  while (!value.empty() && out.size() < kMaxListItems) {
    const std::size_t comma = value.find(',');
    std::string_view item = Trim(value.substr(0, comma));
    value = comma == std::string_view::npos ? std::string_view() : value.substr(comma + 1);
    if (item.size() >= 2 && item.front() == '"' && item.back() == '"') {
      item = item.substr(1, item.size() - 2);
    }
    if (!item.empty()) out.push_back(Bounded(item));
  }
  return out;
}

std::string Unquote(std::string_view value) {
  if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
    const Json parsed = Json::parse(value, nullptr, /*allow_exceptions=*/false);
    if (parsed.is_string()) return Bounded(parsed.get_ref<const std::string&>());
    return Bounded(value.substr(1, value.size() - 2));
  }
  return Bounded(value);
}

std::optional<bool> BoolValue(std::string_view value) {
  if (value == "true") return true;
  if (value == "false") return false;
  return std::nullopt;
}

}  // namespace

MdatpHealth ParseMdatpHealthJson(std::string_view text) {
  MdatpHealth health;
  const Json root = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded()) {
    health.error = "the output is not JSON";
    return health;
  }
  if (!root.is_object()) {
    health.error = "the output is JSON but not an object";
    return health;
  }
  health.healthy = BoolOf(Unwrap(root, "healthy"));
  health.licensed = BoolOf(Unwrap(root, "licensed"));
  health.passive_mode_enabled = BoolOf(Unwrap(root, "passiveModeEnabled"));
  health.real_time_protection_enabled = BoolOf(Unwrap(root, "realTimeProtectionEnabled"));
  health.health_issues = ListOf(Unwrap(root, "healthIssues"));
  health.conflicting_applications = ListOf(Unwrap(root, "conflictingApplications"));
  health.org_id = Identifier(StringOf(Unwrap(root, "orgId")));
  health.edr_machine_id = Identifier(StringOf(Unwrap(root, "edrMachineId")));
  health.app_version = StringOf(Unwrap(root, "appVersion"));
  health.release_ring = StringOf(Unwrap(root, "releaseRing"));
  if (const auto it = root.find("definitionsStatus"); it != root.end()) {
    health.definitions_status = SnakeCase(StringOf(it->is_object() ? Unwrap(*it, "$type") : &*it));
  }
  health.parsed = health.healthy || health.licensed || !health.app_version.empty();
  if (!health.parsed) health.error = "the JSON object holds none of healthy, licensed, appVersion";
  return health;
}

MdatpHealth ParseMdatpHealthFields(std::string_view text) {
  MdatpHealth health;
  bool any = false;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    std::string_view line = Trim(text.substr(0, end));
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    if (line.empty() || line.rfind("ATTENTION", 0) == 0) continue;
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    const std::string_view key = Trim(line.substr(0, colon));
    std::string_view value = Trim(line.substr(colon + 1));
    constexpr std::string_view kManaged = "[managed]";
    if (value.size() >= kManaged.size() &&
        value.substr(value.size() - kManaged.size()) == kManaged) {
      value = Trim(value.substr(0, value.size() - kManaged.size()));
    }
    if (key == "healthy") {
      health.healthy = BoolValue(value);
    } else if (key == "licensed") {
      health.licensed = BoolValue(value);
    } else if (key == "passive_mode_enabled") {
      health.passive_mode_enabled = BoolValue(value);
    } else if (key == "real_time_protection_enabled") {
      health.real_time_protection_enabled = BoolValue(value);
    } else if (key == "health_issues") {
      health.health_issues = ParseListValue(value);
    } else if (key == "conflicting_applications") {
      health.conflicting_applications = ParseListValue(value);
    } else if (key == "org_id") {
      health.org_id = Identifier(Unquote(value));
    } else if (key == "edr_machine_id") {
      health.edr_machine_id = Identifier(Unquote(value));
    } else if (key == "app_version") {
      health.app_version = Unquote(value);
    } else if (key == "release_ring") {
      health.release_ring = Unquote(value);
    } else if (key == "definitions_status") {
      health.definitions_status = Unquote(value);
    } else {
      continue;
    }
    any = true;
  }
  health.parsed = any;
  if (!any) health.error = "no known `key : value` health field in the output";
  return health;
}

}  // namespace preflight

#pragma once

// Non-throwing reads of ARM response bodies, shared by the probes/azure parsers. ARM bodies are
// untrusted: every accessor checks the type and bounds the length of what it keeps.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace preflight::arm_json {

using Json = nlohmann::json;

// Identifiers, states and messages in these bodies are short; longer values are cut so that a
// hostile body cannot bloat the report.
inline constexpr std::size_t kMaxFieldChars = 4096;

// The member `key` of an object, or nullptr.
inline const Json* Member(const Json& object, std::string_view key) {
  if (!object.is_object()) return nullptr;
  const auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

// A string member, cut to max characters; empty when absent or not a string.
inline std::string String(const Json& object, std::string_view key,
                          std::size_t max = kMaxFieldChars) {
  const Json* value = Member(object, key);
  if (value == nullptr || !value->is_string()) return {};
  return value->get_ref<const std::string&>().substr(0, max);
}

// ARM spells booleans both ways: settings' `enabled` is a JSON boolean, pricings' `isEnabled`,
// `inherited` and `enforce` are the strings "True"/"False" (azure.md section 4a, 4b).
inline std::optional<bool> TrueFalse(const Json* value) {
  if (value == nullptr) return std::nullopt;
  if (value->is_boolean()) return value->get<bool>();
  if (!value->is_string()) return std::nullopt;
  std::string text = value->get_ref<const std::string&>();
  for (char& c : text) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  if (text == "true") return true;
  if (text == "false") return false;
  return std::nullopt;
}

inline bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) {
      return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

inline std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return out;
}

// An ARM list's `value` array (https://learn.microsoft.com/rest/api/azure/#async-operations,
// list responses carry {"value": [...], "nextLink": ...}); null, with `error` saying why, when the
// body has none.
inline const Json* ValueArray(const Json& body, std::string& error) {
  const Json* value = Member(body, "value");
  if (value != nullptr && value->is_array()) return value;
  error = body.is_object() ? "the list has no value array" : "the body is not a JSON object";
  return nullptr;
}

}  // namespace preflight::arm_json

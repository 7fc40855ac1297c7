#include "probes/common/extension_status.h"

#include <array>

#include <nlohmann/json.hpp>

namespace preflight {
namespace {

using Json = nlohmann::json;

// Substatus entries beyond this are dropped; the agent itself trims substatus to fit its limit.
constexpr std::size_t kMaxSubstatus = 32;
// Identifiers (name, operation, timestamp) are short; longer is garbage and is cut.
constexpr std::size_t kMaxShortChars = 256;

constexpr std::array<std::string_view, 4> kStatusValues = {"transitioning", "warning", "error",
                                                           "success"};

bool KnownStatus(std::string_view value) {
  for (const std::string_view known : kStatusValues) {
    if (value == known) return true;
  }
  return false;
}

std::string ShortString(const Json& object, const char* key) {
  const auto it = object.find(key);
  if (it == object.end()) return {};
  if (it->is_string()) return it->get_ref<const std::string&>().substr(0, kMaxShortChars);
  if (it->is_number()) return it->dump();
  return {};
}

// Extensions write code as a number, sometimes as a numeric string.
std::optional<std::int64_t> CodeOf(const Json& object) {
  const auto it = object.find("code");
  if (it == object.end()) return std::nullopt;
  if (it->is_number_integer()) return it->get<std::int64_t>();
  if (it->is_number_float()) {
    const double value = it->get<double>();
    if (value >= -2147483648.0 && value <= 2147483647.0) return static_cast<std::int64_t>(value);
    return std::nullopt;
  }
  if (it->is_string()) {
    const std::string& text = it->get_ref<const std::string&>();
    if (text.empty() || text.size() > 10) return std::nullopt;
    std::int64_t value = 0;
    std::size_t i = text[0] == '-' ? 1 : 0;
    if (i == text.size()) return std::nullopt;
    for (; i < text.size(); ++i) {
      if (text[i] < '0' || text[i] > '9') return std::nullopt;
      value = value * 10 + (text[i] - '0');
    }
    return text[0] == '-' ? -value : value;
  }
  return std::nullopt;
}

// formattedMessage must carry lang and message when present (parse_formatted_message).
bool MessageOf(const Json& object, std::string& message, std::string& error) {
  const auto it = object.find("formattedMessage");
  if (it == object.end() || it->is_null()) return true;
  if (!it->is_object() || !it->contains("lang") || !it->contains("message")) {
    error = "formattedMessage lacks lang or message";
    return false;
  }
  const Json& text = (*it)["message"];
  if (text.is_string()) message = text.get<std::string>();
  return true;
}

ExtensionStatus Malformed(ExtensionStatus status, std::string why) {
  status.valid = false;
  status.status = "error";
  status.error = std::move(why);
  return status;
}

}  // namespace

ExtensionStatus ParseExtensionStatus(std::string_view text) {
  ExtensionStatus result;
  const Json root = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded()) {
    return Malformed(result, "the status file is not valid JSON (empty, truncated or corrupt)");
  }
  if (!root.is_array()) return Malformed(result, "the status file is not a JSON array");
  if (root.empty()) {
    result.valid = true;
    result.error = "the status file holds an empty array, so the extension reported nothing";
    return result;
  }
  const Json& entry = root[0];
  if (!entry.is_object()) return Malformed(result, "the first status entry is not an object");
  result.version = ShortString(entry, "version");
  result.timestamp_utc = ShortString(entry, "timestampUTC");
  const auto status_it = entry.find("status");
  if (status_it == entry.end() || !status_it->is_object()) {
    return Malformed(result, "the status entry has no status object");
  }
  const Json& status = *status_it;
  const auto value = status.find("status");
  if (value == status.end()) return Malformed(result, "the status object has no status value");
  const std::string reported =
      value->is_string() ? value->get<std::string>() : std::string("<") + value->type_name() + ">";
  if (KnownStatus(reported)) {
    result.status = reported;
  } else {
    // parse_ext_status: a value outside the four is reported as error.
    result.status = "error";
    result.reported_status = reported.substr(0, kMaxShortChars);
  }
  result.name = ShortString(status, "name");
  result.operation = ShortString(status, "operation");
  result.code = CodeOf(status);
  std::string why;
  if (!MessageOf(status, result.message, why)) return Malformed(result, why);
  const auto substatus = status.find("substatus");
  if (substatus != status.end() && substatus->is_array()) {
    for (const Json& item : *substatus) {
      if (result.substatus.size() >= kMaxSubstatus) break;
      if (item.is_null()) continue;  // the agent skips null entries
      if (!item.is_object() || !item.contains("status")) {
        return Malformed(result, "a substatus entry has no status");
      }
      ExtensionSubstatus sub;
      sub.name = ShortString(item, "name");
      sub.status = item["status"].is_string() ? item["status"].get<std::string>() : "";
      if (!KnownStatus(sub.status)) return Malformed(result, "a substatus has an invalid status");
      sub.code = CodeOf(item);
      if (!MessageOf(item, sub.message, why)) return Malformed(result, why);
      result.substatus.push_back(std::move(sub));
    }
  }
  result.valid = true;
  return result;
}

std::string ParseHandlerEnvironmentLogFolder(std::string_view text) {
  const Json root = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!root.is_array() || root.empty() || !root[0].is_object()) return {};
  const auto env = root[0].find("handlerEnvironment");
  if (env == root[0].end() || !env->is_object()) return {};
  const auto folder = env->find("logFolder");
  if (folder == env->end() || !folder->is_string()) return {};
  return folder->get<std::string>();
}

}  // namespace preflight

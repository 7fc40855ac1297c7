#include "platform/azure/azure_parsers.h"

#include <array>
#include <charconv>
#include <cstdint>

#include "platform/parse_util.h"

namespace preflight::azure {
namespace {

using nlohmann::json;

// Cuts user-visible text from a server: an error message is a sentence, not a page.
constexpr std::size_t kMaxMessageBytes = 1000;
constexpr std::size_t kMaxOAuthDescriptionBytes = 300;

// Token lifetimes are hours (IMDS 24 h, Entra ~1 h); a year bounds a garbage number.
constexpr long long kMaxTokenLifetimeSeconds = 365LL * 24 * 3600;

std::string Cut(std::string text, std::size_t max_bytes) {
  if (text.size() > max_bytes) {
    text.resize(max_bytes);
    text += "...";
  }
  return text;
}

// IMDS sends every primitive as a string; tolerate numbers and booleans anyway.
std::string StringField(const json& object, const char* key) {
  if (!object.is_object()) return {};
  const auto it = object.find(key);
  if (it == object.end()) return {};
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_integer()) return std::to_string(it->get<long long>());
  if (it->is_boolean()) return it->get<bool>() ? "true" : "false";
  return {};
}

std::optional<long long> Integer(const json& value) {
  if (value.is_number_integer()) return value.get<long long>();
  if (value.is_number_float()) {
    const double d = value.get<double>();
    if (d >= 0 && d < 1e15) return static_cast<long long>(d);
    return std::nullopt;
  }
  if (!value.is_string()) return std::nullopt;
  const std::string& text = value.get_ref<const std::string&>();
  long long out = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return out;
}

json ParseJson(std::string_view body) {
  // No exceptions: nlohmann's messages quote the bytes around the error, which may be a token.
  return json::parse(body.begin(), body.end(), nullptr, /*allow_exceptions=*/false);
}

}  // namespace

std::optional<CloudEndpoints> FindCloud(std::string_view name) {
  struct Row {
    std::array<std::string_view, 2> names;  // IMDS azEnvironment, Azure CLI
    const char* imds = nullptr;
    const char* arm = nullptr;
    const char* authority = nullptr;
    const char* audience = nullptr;
  };
  // reference/azure.md §3. Germany's cloud is retired and has no documented MI audience: its
  // ARM address stands in.
  static constexpr std::array<Row, 4> kClouds{{
      {{"AzurePublicCloud", "AzureCloud"},
       "AzurePublicCloud",
       "https://management.azure.com",
       "https://login.microsoftonline.com",
       "https://management.azure.com/"},
      {{"AzureUSGovernmentCloud", "AzureUSGovernment"},
       "AzureUSGovernmentCloud",
       "https://management.usgovcloudapi.net",
       "https://login.microsoftonline.us",
       "https://management.usgovcloudapi.net/"},
      {{"AzureChinaCloud", "AzureChinaCloud"},
       "AzureChinaCloud",
       "https://management.chinacloudapi.cn",
       "https://login.chinacloudapi.cn",
       "https://management.chinacloudapi.cn"},
      {{"AzureGermanCloud", "AzureGermanCloud"},
       "AzureGermanCloud",
       "https://management.microsoftazure.de",
       "https://login.microsoftonline.de",
       "https://management.microsoftazure.de/"},
  }};
  for (const Row& row : kClouds) {
    for (std::string_view candidate : row.names) {
      if (parse::EqualsNoCase(candidate, name)) {
        return CloudEndpoints{row.imds, row.arm, row.authority, row.audience};
      }
    }
  }
  return std::nullopt;
}

const CloudEndpoints& PublicCloud() {
  static const CloudEndpoints kPublic = *FindCloud("AzurePublicCloud");
  return kPublic;
}

Result<MachineIdentity> ParseInstanceMetadata(std::string_view body, EnvironmentKind kind) {
  const json doc = ParseJson(body);
  if (doc.is_discarded() || !doc.is_object()) {
    return MakeError(ErrorKind::kInvalid, "instance metadata is not a JSON object");
  }
  const auto compute = doc.find("compute");
  if (compute == doc.end() || !compute->is_object()) {
    return MakeError(ErrorKind::kInvalid, "instance metadata has no compute object");
  }
  const json& c = *compute;
  MachineIdentity m;
  m.kind = kind;
  m.confirmed = true;
  m.az_environment = StringField(c, "azEnvironment");
  m.subscription_id = StringField(c, "subscriptionId");
  m.resource_group = StringField(c, "resourceGroupName");
  m.resource_id = StringField(c, "resourceId");
  m.vm_id = StringField(c, "vmId");
  m.location = StringField(c, "location");
  m.name = StringField(c, "name");
  m.os_type = StringField(c, "osType");
  if (const auto tags = c.find("tagsList"); tags != c.end() && tags->is_array()) {
    for (const json& tag : *tags) {
      if (!tag.is_object()) continue;
      std::string name = StringField(tag, "name");
      if (name.empty()) continue;
      m.tags.emplace_back(std::move(name), StringField(tag, "value"));
    }
  }
  return m;
}

Result<AccessToken> ParseTokenResponse(std::string_view body,
                                       std::chrono::system_clock::time_point received_at) {
  const json doc = ParseJson(body);
  if (doc.is_discarded() || !doc.is_object()) {
    return MakeError(ErrorKind::kInvalid, "the token response is not a JSON object");
  }
  const auto token = doc.find("access_token");
  if (token == doc.end() || !token->is_string() || token->get_ref<const std::string&>().empty()) {
    return MakeError(ErrorKind::kInvalid, "the token response has no access_token");
  }
  AccessToken out;
  out.token = token->get<std::string>();
  if (const auto in = doc.find("expires_in"); in != doc.end()) {
    if (const auto seconds = Integer(*in);
        seconds && *seconds >= 0 && *seconds <= kMaxTokenLifetimeSeconds) {
      out.lifetime = std::chrono::seconds(*seconds);
      out.expires_on = received_at + *out.lifetime;
      return out;
    }
  }
  const auto now_seconds =
      std::chrono::duration_cast<std::chrono::seconds>(received_at.time_since_epoch());
  if (const auto on = doc.find("expires_on"); on != doc.end()) {
    if (const auto epoch = Integer(*on);
        epoch && *epoch > 0 && *epoch - now_seconds.count() <= kMaxTokenLifetimeSeconds) {
      out.expires_on = std::chrono::system_clock::time_point(std::chrono::seconds(*epoch));
      return out;
    }
  }
  return MakeError(ErrorKind::kInvalid, "the token response has no usable expires_in/expires_on");
}

std::string DescribeOAuthError(std::string_view body) {
  const json doc = ParseJson(body);
  if (doc.is_discarded() || !doc.is_object()) return {};
  std::string error = StringField(doc, "error");
  std::string description = StringField(doc, "error_description");
  if (const auto eol = description.find_first_of("\r\n"); eol != std::string::npos) {
    description.resize(eol);
  }
  description = Cut(std::move(description), kMaxOAuthDescriptionBytes);
  if (error.empty()) return description;
  error = Cut(std::move(error), 100);
  return description.empty() ? error : error + ": " + description;
}

std::string MissingActionFromMessage(std::string_view message) {
  constexpr std::string_view kMarker = "to perform action '";
  const auto start = message.find(kMarker);
  if (start == std::string_view::npos) return {};
  const auto from = start + kMarker.size();
  const auto end = message.find('\'', from);
  if (end == std::string_view::npos || end == from || end - from > 200) return {};
  return std::string(message.substr(from, end - from));
}

ArmError ParseArmError(int status, std::string_view body, std::string_view request_id) {
  ArmError error;
  error.status = status;
  error.request_id = std::string(request_id);
  const json doc = ParseJson(body);
  if (!doc.is_discarded() && doc.is_object()) {
    const auto inner = doc.find("error");
    if (inner != doc.end() && inner->is_object()) {
      error.code = Cut(StringField(*inner, "code"), 200);
      error.message = Cut(StringField(*inner, "message"), kMaxMessageBytes);
    } else if (inner != doc.end() && inner->is_string()) {
      // IMDS and OAuth endpoints: {"error":"...","error_description":"..."}.
      error.code = Cut(inner->get<std::string>(), 200);
      error.message = Cut(StringField(doc, "error_description"), kMaxMessageBytes);
    }
  }
  if (error.message.empty()) error.message = "HTTP " + std::to_string(status);
  if (parse::EqualsNoCase(error.code, "AuthorizationFailed")) {
    error.missing_action = MissingActionFromMessage(error.message);
  }
  return error;
}

Result<ArmListPage> ParseArmListPage(std::string_view body) {
  return ArmListPageFromJson(ParseJson(body));
}

Result<ArmListPage> ArmListPageFromJson(const nlohmann::json& doc) {
  if (doc.is_discarded() || !doc.is_object()) {
    return MakeError(ErrorKind::kInvalid, "the list response is not a JSON object");
  }
  const auto value = doc.find("value");
  if (value == doc.end() || !value->is_array()) {
    return MakeError(ErrorKind::kInvalid, "the list response has no value array");
  }
  ArmListPage page;
  page.items.assign(value->begin(), value->end());
  if (const auto next = doc.find("nextLink"); next != doc.end() && next->is_string()) {
    page.next_link = next->get<std::string>();
  }
  return page;
}

std::string UrlEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (parse::IsAlpha(ch) || parse::IsDigit(ch) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

}  // namespace preflight::azure

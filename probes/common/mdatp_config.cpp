#include "probes/common/mdatp_config.h"

#include <nlohmann/json.hpp>

namespace preflight {
namespace {

using Json = nlohmann::json;

// Identifiers and URLs in these files are short; longer values are cut so they cannot bloat the
// report.
constexpr std::size_t kMaxValueChars = 512;

// A nested level is either a JSON object or a string that holds one.
Json Level(const Json& parent, const char* key) {
  const auto it = parent.find(key);
  if (it == parent.end()) return Json(nullptr);
  if (it->is_object()) return *it;
  if (it->is_string()) {
    Json inner = Json::parse(it->get_ref<const std::string&>(), nullptr, false);
    if (inner.is_object()) return inner;
  }
  return Json(nullptr);
}

std::string StringMember(const Json& object, const char* key) {
  const auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return {};
  return it->get_ref<const std::string&>().substr(0, kMaxValueChars);
}

}  // namespace

OnboardingInfo ParseOnboardingFile(std::string_view text) {
  OnboardingInfo info;
  const Json root = Json::parse(text, nullptr, false);
  if (!root.is_object()) {
    info.error = root.is_discarded() ? "the file is not JSON" : "the file is not a JSON object";
    return info;
  }
  const Json blob = Level(root, "onboardingInfo");
  if (!blob.is_object()) {
    info.error = "the file has no onboardingInfo blob";
    return info;
  }
  const Json body = Level(blob, "body");
  if (!body.is_object()) {
    info.error = "the onboardingInfo blob has no body";
    return info;
  }
  info.org_id = StringMember(body, "orgId");
  info.datacenter = StringMember(body, "datacenter");
  info.geo_location_url = StringMember(body, "geoLocationUrl");
  info.device_type = StringMember(body, "deviceType");
  info.version = StringMember(body, "version");
  info.parsed = !info.org_id.empty();
  if (!info.parsed) info.error = "the onboarding body has no orgId";
  return info;
}

ManagedConfig ParseManagedConfig(std::string_view text) {
  ManagedConfig config;
  const Json root = Json::parse(text, nullptr, false);
  if (!root.is_object()) {
    config.error = root.is_discarded() ? "the file is not JSON" : "the file is not a JSON object";
    return config;
  }
  config.parsed = true;
  const auto cloud = root.find("cloudService");
  if (cloud == root.end() || !cloud->is_object()) return config;
  const std::string proxy = StringMember(*cloud, "proxy");
  config.proxy = RedactUrlCredentials(proxy);
  config.proxy_has_credentials = config.proxy != proxy;
  return config;
}

std::string RedactUrlCredentials(std::string_view url) {
  const std::size_t scheme = url.find("://");
  const std::size_t start = scheme == std::string_view::npos ? 0 : scheme + 3;
  const std::size_t authority_end = url.find_first_of("/?#", start);
  const std::string_view authority =
      url.substr(start, authority_end == std::string_view::npos ? std::string_view::npos
                                                                : authority_end - start);
  // RFC 3986 3.2.1: userinfo ends at the last "@" of the authority.
  const std::size_t at = authority.rfind('@');
  if (at == std::string_view::npos) return std::string(url);
  std::string out(url.substr(0, start));
  out += "<redacted>";
  out += url.substr(start + at);
  return out;
}

}  // namespace preflight

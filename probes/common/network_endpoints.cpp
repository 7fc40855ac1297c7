#include "probes/common/network_endpoints.h"

#include <algorithm>
#include <array>
#include <utility>

#include <nlohmann/json.hpp>

#include "platform/http_parsers.h"
#include "platform/text.h"

namespace preflight {
namespace {

using Json = nlohmann::json;

// A private list is a handful of hosts; this bounds a hostile or mistaken file.
constexpr std::size_t kMaxListedEndpoints = 200;

Error Invalid(std::string message) { return MakeError(ErrorKind::kInvalid, std::move(message)); }

bool IsHttpsUrl(std::string_view url) {
  const auto parsed = ParseUrl(url);
  return parsed && parsed->scheme == "https" && !parsed->host.empty();
}

Result<std::vector<std::string>> UrlList(const Json& value, const std::string& where) {
  if (!value.is_array()) return Invalid(where + " is not an array of URLs");
  std::vector<std::string> urls;
  for (const Json& item : value) {
    if (!item.is_string() || !IsHttpsUrl(item.get<std::string>())) {
      return Invalid(where + " holds " + item.dump() + ", not an https URL");
    }
    urls.push_back(item.get<std::string>());
  }
  return urls;
}

Result<EndpointSet> ParseSet(const Json& item) {
  if (!item.is_object() || !item.contains("name") || !item["name"].is_string()) {
    return Invalid("an endpoint set without a name");
  }
  EndpointSet set;
  set.name = item["name"].get<std::string>();
  set.required = item.value("required", true);
  set.arc_only = item.value("arc_only", false);
  if (item.contains("urls")) {
    auto urls = UrlList(item["urls"], "set " + set.name);
    if (!urls.Ok()) return urls.Err();
    set.urls = std::move(urls).Value();
  }
  if (item.contains("by_geography")) {
    if (!item["by_geography"].is_object()) return Invalid("set " + set.name + ": by_geography");
    for (const auto& [geo, list] : item["by_geography"].items()) {
      auto urls = UrlList(list, "set " + set.name + " geography " + geo);
      if (!urls.Ok()) return urls.Err();
      set.by_geography.emplace_back(ToLower(geo), std::move(urls).Value());
    }
  }
  return set;
}

const std::vector<std::string>* ForGeography(const EndpointSet& set, const std::string& geo) {
  for (const auto& [name, urls] : set.by_geography) {
    if (name == geo) return &urls;
  }
  return nullptr;
}

}  // namespace

Result<EndpointCatalog> ParseEndpointCatalog(std::string_view json) {
  const Json doc = Json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object() || !doc.contains("sets") || !doc["sets"].is_array()) {
    return Invalid("not an endpoint catalog: an object with a \"sets\" array");
  }
  EndpointCatalog catalog;
  const auto geo = doc.find("default_geography");
  catalog.default_geography = geo != doc.end() && geo->is_string() ? geo->get<std::string>() : "";
  for (const Json& item : doc["sets"]) {
    auto set = ParseSet(item);
    if (!set.Ok()) return set.Err();
    catalog.sets.push_back(std::move(set).Value());
  }
  return catalog;
}

std::vector<MdeEndpoint> SelectEndpoints(const EndpointCatalog& catalog,
                                         const std::string& geography, bool arc) {
  std::vector<MdeEndpoint> out;
  for (const EndpointSet& set : catalog.sets) {
    if (set.arc_only && !arc) continue;
    const std::vector<std::string>* urls = &set.urls;
    if (!set.by_geography.empty()) {
      urls = ForGeography(set, ToLower(geography));
      if (urls == nullptr) urls = ForGeography(set, catalog.default_geography);
      if (urls == nullptr) urls = &set.by_geography.front().second;
    }
    for (const std::string& url : *urls) out.push_back({url, set.name, set.required});
  }
  return out;
}

Result<std::vector<MdeEndpoint>> ParseEndpointList(std::string_view text) {
  std::vector<MdeEndpoint> out;
  std::size_t line_number = 0;
  while (!text.empty()) {
    const std::size_t end = std::min(text.find('\n'), text.size());
    const std::string_view line = Trim(text.substr(0, end));
    text.remove_prefix(std::min(end + 1, text.size()));
    ++line_number;
    if (line.empty() || line.front() == '#') continue;
    if (!IsHttpsUrl(line)) {
      return Invalid("line " + std::to_string(line_number) + ": '" + RedactUrl(line) +
                     "' is not an https URL");
    }
    if (out.size() == kMaxListedEndpoints) {
      return Invalid("more than " + std::to_string(kMaxListedEndpoints) + " endpoints");
    }
    out.push_back({std::string(line), "custom", true});
  }
  return out;
}

std::string GeographyFromOnboarding(std::string_view datacenter, std::string_view geo_url) {
  // The gateway's region suffix (winatp-gw-<region>) and the datacenter name both say where the
  // tenant's data lives (defender-endpoint data-storage-privacy.md: US, EU, UK, AU, ...).
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 12> kRegions = {{
      {"-cus", "us"},
      {"-eus", "us"},
      {"-wus", "us"},
      {"-weu", "eu"},
      {"-neu", "eu"},
      {"-uks", "uk"},
      {"-ukw", "uk"},
      {"-aus", "au"},
      {"-aue", "au"},
      {"-auc", "au"},
      {"-cac", "ca"},
      {"-cae", "ca"},
  }};
  const std::string url = ToLower(geo_url);
  for (const auto& [suffix, geo] : kRegions) {
    if (url.find(std::string("winatp-gw") + std::string(suffix)) != std::string::npos) {
      return std::string(geo);
    }
  }
  const std::string dc = ToLower(datacenter);
  if (dc.find("europe") != std::string::npos) return "eu";
  if (dc.find("uk") == 0) return "uk";
  if (dc.find("australia") != std::string::npos) return "au";
  if (dc.find("us") != std::string::npos) return "us";
  return {};
}

Result<std::vector<ExpectedRoot>> ParseExpectedRoots(std::string_view json) {
  const Json doc = Json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object() || !doc.contains("roots") || !doc["roots"].is_array()) {
    return Invalid("not an expected-roots file: an object with a \"roots\" array");
  }
  std::vector<ExpectedRoot> roots;
  for (const Json& item : doc["roots"]) {
    const auto hash = item.is_object() ? item.find("spki_sha256") : item.end();
    if (!item.is_object() || hash == item.end() || !hash->is_string()) {
      return Invalid("a root without spki_sha256: " + item.dump());
    }
    std::string hex = ToLower(hash->get<std::string>());
    if (hex.size() != 64 || !std::all_of(hex.begin(), hex.end(), [](char c) {
          return IsDigit(c) || (c >= 'a' && c <= 'f');
        })) {
      return Invalid("spki_sha256 '" + hex + "' is not 64 hex digits");
    }
    const auto name = item.find("name");
    roots.push_back(
        {name != item.end() && name->is_string() ? name->get<std::string>() : "", std::move(hex)});
  }
  if (roots.empty()) return Invalid("no roots listed");
  return roots;
}

}  // namespace preflight

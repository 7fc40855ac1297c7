#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "platform/result.h"

namespace preflight {

// One URL network.mde probes and the set it belongs to ("streamlined", "legacy", "updates",
// "arc", or "custom" for a private list).
struct MdeEndpoint {
  std::string url;
  std::string set;
  bool required = true;  // a failure fails the check; else it warns
};

// The built-in endpoint sets (probes/data/mde_endpoints.json, sources cited there).
struct EndpointSet {
  std::string name;
  bool required = true;
  bool arc_only = false;
  std::vector<std::string> urls;  // sets without geography
  std::vector<std::pair<std::string, std::vector<std::string>>> by_geography;
};

struct EndpointCatalog {
  std::string default_geography;
  std::vector<EndpointSet> sets;
};

// Every URL must be an absolute https URL (ParseUrl). Pure; errors name the offending entry.
Result<EndpointCatalog> ParseEndpointCatalog(std::string_view json);

// The endpoints of this machine: each set for `geography` (unknown geographies fall back to the
// catalog's default), the Arc set only on Arc machines.
std::vector<MdeEndpoint> SelectEndpoints(const EndpointCatalog& catalog,
                                         const std::string& geography, bool arc);

// A private endpoint list: one https URL per line, blank lines and lines starting with '#'
// ignored; every entry is required. At most 200 entries; none is allowed (nothing is probed: the
// test suites' setting, so that no test reaches a real endpoint unless it names its own).
Result<std::vector<MdeEndpoint>> ParseEndpointList(std::string_view text);

// The MDE geography ("us", "eu", "uk", "au", ...) an onboarding package names, from its
// geoLocationUrl ("https://winatp-gw-weu.microsoft.com/") or its datacenter ("WestEurope");
// empty when neither says.
std::string GeographyFromOnboarding(std::string_view datacenter, std::string_view geo_url);

// A root MDE's services chain to, by the SHA-256 of its SubjectPublicKeyInfo.
struct ExpectedRoot {
  std::string name;         // its subject, RFC 2253 ("CN=...,O=...,C=US")
  std::string spki_sha256;  // lower-case hex, 64 digits
};

// {"roots": [{"name": ..., "spki_sha256": ...}]} (probes/data/mde_expected_roots.json). Pure.
Result<std::vector<ExpectedRoot>> ParseExpectedRoots(std::string_view json);

}  // namespace preflight

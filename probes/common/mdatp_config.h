#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace preflight {

// Where MDE for Linux keeps its onboarding information and managed settings (reference linux.md
// sections 2.2 and 2.4), and their read bounds: the onboarding file is ~7 KiB (orgId blob,
// signature, certificate chain); mdatp_managed.json is a small settings document.
inline constexpr const char* kMdatpOnboardFile = "/etc/opt/microsoft/mdatp/mdatp_onboard.json";
inline constexpr const char* kMdatpManagedFile =
    "/etc/opt/microsoft/mdatp/managed/mdatp_managed.json";
inline constexpr std::size_t kMaxOnboardingBytes = std::size_t{64} * 1024;
inline constexpr std::size_t kMaxManagedBytes = std::size_t{256} * 1024;

// What the agent reads from /etc/opt/microsoft/mdatp/mdatp_onboard.json. The signature and
// certificate chain in the file are deliberately not kept.
struct OnboardingInfo {
  bool parsed = false;  // the file held an onboarding blob with an orgId
  std::string error;    // why not
  std::string org_id;
  std::string datacenter;        // "WestEurope"
  std::string geo_location_url;  // "https://winatp-gw-weu.microsoft.com/"
  std::string device_type;       // "Server"
  std::string version;           // onboarding blob version, "1.35"
};

// The onboarding file nests JSON in strings: {"onboardingInfo": "<json>"} where that JSON is
// {"body": "<json>", "sig": ..., "cert": ..., "chain": [...]} and the body holds "orgId",
// "datacenter", "geoLocationUrl", "deviceType", "version" (layout of the Linux onboarding package's
// mdatp_onboard.json, e.g. lpwoodhouse/mdatp_onboard files/sample_mdatp_onboard.json). Each level
// is also accepted as an object. Never throws.
OnboardingInfo ParseOnboardingFile(std::string_view text);

// What the agent reads from /etc/opt/microsoft/mdatp/managed/mdatp_managed.json.
struct ManagedConfig {
  bool parsed = false;  // a JSON object
  std::string error;
  std::string proxy;                   // cloudService.proxy with any user:password redacted
  bool proxy_has_credentials = false;  // authenticated proxies are unsupported by MDE
};

// {"cloudService": {"proxy": "http://proxy.server:port/"}}
// (https://learn.microsoft.com/defender-endpoint/linux-static-proxy-configuration). Never throws.
ManagedConfig ParseManagedConfig(std::string_view text);

// "http://user:secret@host:3128/" -> "http://<redacted>@host:3128/"; URLs without userinfo are
// returned unchanged. Works without a scheme too ("user:pw@host:3128").
std::string RedactUrlCredentials(std::string_view url);

}  // namespace preflight

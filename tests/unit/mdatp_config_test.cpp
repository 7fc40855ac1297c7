#include "probes/common/mdatp_config.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace preflight {
namespace {

// Builds an onboarding file the way the onboarding package nests it: body and blob are JSON
// documents stored as strings. Values are made up.
std::string OnboardingFile(const nlohmann::json& body) {
  const nlohmann::json blob = {
      {"body", body.dump()}, {"sig", "c2ln"}, {"cert", "Y2VydA=="}, {"chain", {"Y2hhaW4="}}};
  return nlohmann::json{{"onboardingInfo", blob.dump()}}.dump(2);
}

TEST(ParseOnboardingFile, ReadsTheDoublyNestedBody) {
  const OnboardingInfo info = ParseOnboardingFile(
      OnboardingFile({{"previousOrgIds", nlohmann::json::array()},
                      {"orgId", "00000000-1111-2222-3333-444444444444"},
                      {"geoLocationUrl", "https://winatp-gw-weu.microsoft.com/"},
                      {"datacenter", "WestEurope"},
                      {"vortexGeoLocation", "EU"},
                      {"version", "1.35"},
                      {"deviceType", "Server"}}));
  ASSERT_TRUE(info.parsed) << info.error;
  EXPECT_EQ(info.org_id, "00000000-1111-2222-3333-444444444444");
  EXPECT_EQ(info.datacenter, "WestEurope");
  EXPECT_EQ(info.geo_location_url, "https://winatp-gw-weu.microsoft.com/");
  EXPECT_EQ(info.device_type, "Server");
  EXPECT_EQ(info.version, "1.35");
}

TEST(ParseOnboardingFile, AcceptsObjectsInsteadOfStrings) {
  const OnboardingInfo info = ParseOnboardingFile(R"({"onboardingInfo":{"body":{"orgId":"abc"}}})");
  EXPECT_TRUE(info.parsed);
  EXPECT_EQ(info.org_id, "abc");
}

TEST(ParseOnboardingFile, ExplainsWhatIsMissing) {
  struct Case {
    const char* name;
    std::string text;
    const char* error;
  };
  const Case cases[] = {
      {"not JSON", "onboardingInfo=", "the file is not JSON"},
      {"truncated", OnboardingFile({{"orgId", "x"}}).substr(0, 40), "the file is not JSON"},
      {"array", "[]", "the file is not a JSON object"},
      {"no blob", R"({"other":1})", "the file has no onboardingInfo blob"},
      {"blob string is not JSON", R"({"onboardingInfo":"{oops"})",
       "the file has no onboardingInfo blob"},
      {"no body", R"({"onboardingInfo":"{\"sig\":\"x\"}"})", "the onboardingInfo blob has no body"},
      {"no orgId", OnboardingFile({{"datacenter", "x"}}), "the onboarding body has no orgId"},
      {"orgId not a string", OnboardingFile({{"orgId", 5}}), "the onboarding body has no orgId"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const OnboardingInfo info = ParseOnboardingFile(c.text);
    EXPECT_FALSE(info.parsed);
    EXPECT_EQ(info.error, c.error);
  }
}

TEST(ParseManagedConfig, ProxyWithCredentialsIsRedacted) {
  const ManagedConfig config = ParseManagedConfig(
      R"({"antivirusEngine":{"enforcementLevel":"real_time"},)"
      R"("cloudService":{"enabled":true,"proxy":"http://alice:s3cr%40t@proxy.example:8080/"}})");
  ASSERT_TRUE(config.parsed);
  EXPECT_EQ(config.proxy, "http://<redacted>@proxy.example:8080/");
  EXPECT_TRUE(config.proxy_has_credentials);
  EXPECT_EQ(config.proxy.find("s3cr"), std::string::npos);
  EXPECT_EQ(config.proxy.find("alice"), std::string::npos);
}

TEST(ParseManagedConfig, Table) {
  struct Case {
    const char* name;
    const char* text;
    bool parsed;
    const char* proxy;
    bool credentials;
  };
  const Case cases[] = {
      {"plain proxy", R"({"cloudService":{"proxy":"http://proxy.server:3128/"}})", true,
       "http://proxy.server:3128/", false},
      {"no cloudService", R"({"antivirusEngine":{}})", true, "", false},
      {"proxy not a string", R"({"cloudService":{"proxy":3128}})", true, "", false},
      {"cloudService not an object", R"({"cloudService":"x"})", true, "", false},
      {"not JSON", "cloudService.proxy=http://x", false, "", false},
      {"not an object", R"(["x"])", false, "", false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const ManagedConfig config = ParseManagedConfig(c.text);
    EXPECT_EQ(config.parsed, c.parsed);
    EXPECT_EQ(config.proxy, c.proxy);
    EXPECT_EQ(config.proxy_has_credentials, c.credentials);
  }
}

TEST(RedactUrlCredentials, Table) {
  const std::pair<const char*, const char*> cases[] = {
      {"http://user:pass@host:3128/", "http://<redacted>@host:3128/"},
      {"http://user@host", "http://<redacted>@host"},
      {"user:pass@host:3128", "<redacted>@host:3128"},
      {"http://u:p@ss@host/path?q=a@b", "http://<redacted>@host/path?q=a@b"},
      {"http://host:3128/a@b", "http://host:3128/a@b"},
      {"http://host:3128", "http://host:3128"},
      {"", ""},
  };
  for (const auto& [in, out] : cases) {
    EXPECT_EQ(RedactUrlCredentials(in), out) << in;
  }
}

}  // namespace
}  // namespace preflight

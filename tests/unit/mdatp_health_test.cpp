#include "probes/common/mdatp_health.h"

#include <gtest/gtest.h>

namespace preflight {
namespace {

// Shape of `mdatp health --output json` (101.23062.0010), values made up.
constexpr std::string_view kHealthyJson = R"({"$type":"getHealthAllResult",
 "appVersion":"101.23062.0010",
 "conflictingApplications":[],
 "definitionsStatus":{"$type":"upToDate"},
 "edrMachineId":"0123456789abcdef0123456789abcdef01234567",
 "healthIssues":[],
 "healthy":true,
 "licensed":true,
 "orgId":"00000000-1111-2222-3333-444444444444",
 "passiveModeEnabled":{"displayValue":true,"isManaged":false,"value":true},
 "realTimeProtectionEnabled":{"displayValue":true,"isManaged":false,"value":false},
 "releaseRing":"Production"})";

TEST(ParseMdatpHealthJson, ReadsWrappedSettingsAndPlainFields) {
  const MdatpHealth h = ParseMdatpHealthJson(kHealthyJson);
  ASSERT_TRUE(h.parsed) << h.error;
  EXPECT_EQ(h.healthy, true);
  EXPECT_EQ(h.licensed, true);
  EXPECT_EQ(h.passive_mode_enabled, true);
  EXPECT_EQ(h.real_time_protection_enabled, false);
  EXPECT_TRUE(h.health_issues.empty());
  EXPECT_EQ(h.org_id, "00000000-1111-2222-3333-444444444444");
  EXPECT_EQ(h.edr_machine_id, "0123456789abcdef0123456789abcdef01234567");
  EXPECT_EQ(h.app_version, "101.23062.0010");
  EXPECT_EQ(h.release_ring, "Production");
  EXPECT_EQ(h.definitions_status, "up_to_date");
}

TEST(ParseMdatpHealthJson, UnlicensedWithIssuesAndConflicts) {
  const MdatpHealth h = ParseMdatpHealthJson(
      R"({"healthy":false,"licensed":false,"orgId":"unavailable",)"
      R"("healthIssues":["missing license","no active event provider"],)"
      R"j("conflictingApplications":["/opt/ds_agent/ds_am (pid 812)",{"name":"cbsensor","pid":9},)j"
      R"([[1]]],"appVersion":"101.1"})");
  ASSERT_TRUE(h.parsed);
  EXPECT_EQ(h.healthy, false);
  EXPECT_EQ(h.licensed, false);
  EXPECT_EQ(h.org_id, "");
  EXPECT_EQ(h.health_issues,
            (std::vector<std::string>{"missing license", "no active event provider"}));
  EXPECT_EQ(h.conflicting_applications,
            (std::vector<std::string>{"/opt/ds_agent/ds_am (pid 812)", "name=cbsensor, pid=9"}));
}

TEST(ParseMdatpHealthJson, RejectsWhatIsNotHealthOutput) {
  for (const std::string_view text :
       {std::string_view(""), std::string_view("Unknown option: --output"),
        std::string_view("[1,2]"), std::string_view(R"({"other":1})"),
        std::string_view(R"({"healthy":tr)"), std::string_view("\xff\xfe{")}) {
    SCOPED_TRACE(text);
    const MdatpHealth h = ParseMdatpHealthJson(text);
    EXPECT_FALSE(h.parsed);
    EXPECT_FALSE(h.error.empty());
  }
}

TEST(ParseMdatpHealthJson, WrongTypesAreIgnoredNotFatal) {
  const MdatpHealth h = ParseMdatpHealthJson(
      R"({"healthy":"yes","licensed":1,"appVersion":7,"healthIssues":"x","orgId":["a"],)"
      R"("passiveModeEnabled":{"value":"false"},"releaseRing":"InsiderFast"})");
  EXPECT_FALSE(h.parsed);  // none of healthy, licensed, appVersion is usable
  EXPECT_FALSE(h.healthy.has_value());
  EXPECT_EQ(h.passive_mode_enabled, false);
  EXPECT_TRUE(h.health_issues.empty());
  EXPECT_EQ(h.org_id, "");
}

// `mdatp health` as printed by an expired / unlicensed client (health-status docs).
constexpr std::string_view kUnlicensedFields =
    "ATTENTION: No license found. Contact your administrator for help.\n"
    "healthy                                     : false\n"
    "health_issues                               : [\"missing license\"]\n"
    "licensed                                    : false\n"
    "engine_version                              : \"1.1.19800.4\"\n"
    "app_version                                 : \"101.85.27\"\n"
    "org_id                                      : unavailable\n"
    "log_level                                   : \"info\"\n";

constexpr std::string_view kHealthyFields =
    "healthy                                     : true\n"
    "health_issues                               : []\n"
    "licensed                                    : true\n"
    "app_version                                 : \"101.23062.0010\"\n"
    "org_id                                      : \"00000000-1111-2222-3333-444444444444\"\n"
    "release_ring                                : \"Production\"\n"
    "passive_mode_enabled                        : false [managed]\n"
    "real_time_protection_enabled                : true [managed]\n"
    "definitions_status                          : \"up_to_date\"\n"
    "edr_configuration_version                   : \"30.199999.main.2023.08.10.04-54CD\n"
    "34\"\n"
    "edr_machine_id                              : \"94cb840531fd5d9f\"\n"
    "conflicting_applications                    : [\"ds_agent\", \"MFEcma\"]\n";

TEST(ParseMdatpHealthFields, Table) {
  struct Case {
    const char* name;
    std::string_view text;
    std::optional<bool> healthy;
    std::optional<bool> licensed;
    const char* org_id;
    const char* app_version;
    std::vector<std::string> issues;
  };
  const Case cases[] = {
      {"unlicensed with ATTENTION line",
       kUnlicensedFields,
       false,
       false,
       "",
       "101.85.27",
       {"missing license"}},
      {"healthy with managed suffix and wrapped line",
       kHealthyFields,
       true,
       true,
       "00000000-1111-2222-3333-444444444444",
       "101.23062.0010",
       {}},
      {"CRLF and tight colons",
       "healthy:true\r\nlicensed :false\r\napp_version: \"1.2\"\r\n",
       true,
       false,
       "",
       "1.2",
       {}},
      {"list that is not JSON",
       "healthy : false\nhealth_issues : [no active event provider, x]\n",
       false,
       std::nullopt,
       "",
       "",
       {"no active event provider", "x"}},
      {"unknown boolean spelling",
       "healthy : maybe\napp_version : \"1\"\n",
       std::nullopt,
       std::nullopt,
       "",
       "1",
       {}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const MdatpHealth h = ParseMdatpHealthFields(c.text);
    EXPECT_TRUE(h.parsed) << h.error;
    EXPECT_EQ(h.healthy, c.healthy);
    EXPECT_EQ(h.licensed, c.licensed);
    EXPECT_EQ(h.org_id, c.org_id);
    EXPECT_EQ(h.app_version, c.app_version);
    EXPECT_EQ(h.health_issues, c.issues);
  }
}

TEST(ParseMdatpHealthFields, ReadsEveryFieldTheAgentUses) {
  const MdatpHealth h = ParseMdatpHealthFields(kHealthyFields);
  EXPECT_EQ(h.passive_mode_enabled, false);
  EXPECT_EQ(h.real_time_protection_enabled, true);
  EXPECT_EQ(h.release_ring, "Production");
  EXPECT_EQ(h.definitions_status, "up_to_date");
  EXPECT_EQ(h.edr_machine_id, "94cb840531fd5d9f");
  EXPECT_EQ(h.conflicting_applications, (std::vector<std::string>{"ds_agent", "MFEcma"}));
}

TEST(ParseMdatpHealthFields, NothingKnownIsNotParsed) {
  for (const std::string_view text :
       {std::string_view(""), std::string_view("ATTENTION: No license found.\n"),
        std::string_view("Error: daemon is not running\n"), std::string_view("\0\0:\0", 4)}) {
    const MdatpHealth h = ParseMdatpHealthFields(text);
    EXPECT_FALSE(h.parsed);
    EXPECT_FALSE(h.error.empty());
  }
}

TEST(ParseMdatpHealthFields, HugeValuesAreBounded) {
  const std::string text = "healthy : true\napp_version : \"" + std::string(100000, 'x') + "\"\n";
  const MdatpHealth h = ParseMdatpHealthFields(text);
  EXPECT_TRUE(h.parsed);
  EXPECT_LE(h.app_version.size(), 512U);
}

}  // namespace
}  // namespace preflight

#include "probes/common/extension_status.h"

#include <gtest/gtest.h>

namespace preflight {
namespace {

std::string StatusFile(std::string_view status, std::string_view message = "done",
                       std::string_view extra = "") {
  return std::string(R"([{"version":1.0,"timestampUTC":"2026-01-10T08:00:02Z","status":{)") +
         R"("name":"Microsoft.Azure.AzureDefenderForServers.MDE.Linux","operation":"Enable",)" +
         R"("status":")" + std::string(status) + R"(","code":0,)" +
         R"("formattedMessage":{"lang":"en-US","message":")" + std::string(message) + "\"}" +
         std::string(extra) + "}}]";
}

struct Case {
  const char* name;
  std::string text;
  bool valid;
  const char* status;
  const char* error_part;  // substring of error; "" when none expected
};

TEST(ParseExtensionStatus, Table) {
  const std::string huge = StatusFile("success", std::string(200 * 1024, 'm'));
  const Case cases[] = {
      {"success", StatusFile("success"), true, "success", ""},
      {"transitioning", StatusFile("transitioning", "Installing"), true, "transitioning", ""},
      {"warning", StatusFile("warning"), true, "warning", ""},
      {"error", StatusFile("error", "Failed to configure"), true, "error", ""},
      {"unknown status value is error", StatusFile("Succeeded"), true, "error", ""},
      {"malformed JSON", "[{\"status\": {\"status\": \"success\"", false, "error",
       "not valid JSON"},
      {"truncated", StatusFile("success").substr(0, 60), false, "error", "not valid JSON"},
      {"empty file", "", false, "error", "not valid JSON"},
      {"object, not an array", R"({"status":{"status":"success"}})", false, "error",
       "not a JSON array"},
      {"empty array", "[]", true, "unknown", "empty array"},
      {"entry not an object", "[1]", false, "error", "not an object"},
      {"no status object", R"([{"version":1.0}])", false, "error", "no status object"},
      {"no status value", R"([{"status":{"name":"x"}}])", false, "error", "no status value"},
      {"formattedMessage without lang",
       R"([{"status":{"status":"success",)"
       R"("formattedMessage":{"message":"x"}}}])",
       false, "error", "lang"},
      {"invalid substatus", StatusFile("success", "ok", R"(,"substatus":[{"status":"meh"}])"),
       false, "error", "substatus"},
      {"null substatus entries are skipped", StatusFile("success", "ok", R"(,"substatus":[null])"),
       true, "success", ""},
      {"huge but well-formed (size is the reader's job)", huge, true, "success", ""},
      {"binary garbage", std::string("\x00\xff[", 3), false, "error", "not valid JSON"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const ExtensionStatus s = ParseExtensionStatus(c.text);
    EXPECT_EQ(s.valid, c.valid);
    EXPECT_EQ(s.status, c.status);
    if (*c.error_part != '\0') {
      EXPECT_NE(s.error.find(c.error_part), std::string::npos) << s.error;
    } else {
      EXPECT_EQ(s.error, "");
    }
  }
}

TEST(ParseExtensionStatus, ReadsTheFieldsOfTheFirstEntryOnly) {
  const ExtensionStatus s = ParseExtensionStatus(
      R"([{"version":"1.0","timestampUTC":"2026-01-10T08:00:02Z","status":{"name":"MDE.Linux",)"
      R"("operation":"Install","status":"error","code":"52","formattedMessage":{"lang":"en-US",)"
      R"("message":"No Python interpreter found"},"substatus":[{"name":"installer","status":)"
      R"("error","code":5,"formattedMessage":{"lang":"en-US","message":"exit 5"}}]}},)"
      R"({"status":{"status":"success"}}])");
  ASSERT_TRUE(s.valid) << s.error;
  EXPECT_EQ(s.status, "error");
  EXPECT_EQ(s.name, "MDE.Linux");
  EXPECT_EQ(s.operation, "Install");
  EXPECT_EQ(s.code, 52);
  EXPECT_EQ(s.message, "No Python interpreter found");
  EXPECT_EQ(s.timestamp_utc, "2026-01-10T08:00:02Z");
  EXPECT_EQ(s.version, "1.0");
  ASSERT_EQ(s.substatus.size(), 1U);
  EXPECT_EQ(s.substatus[0].name, "installer");
  EXPECT_EQ(s.substatus[0].code, 5);
  EXPECT_EQ(s.substatus[0].message, "exit 5");
}

TEST(ParseExtensionStatus, KeepsTheUnknownStatusValueForTheReport) {
  const ExtensionStatus s = ParseExtensionStatus(StatusFile("Succeeded"));
  EXPECT_EQ(s.status, "error");
  EXPECT_EQ(s.reported_status, "Succeeded");
  const ExtensionStatus nested = ParseExtensionStatus(R"([{"status":{"status":[[[]]]}}])");
  EXPECT_EQ(nested.status, "error");
  EXPECT_EQ(nested.reported_status, "<array>");
}

TEST(ParseExtensionStatus, BadCodesAreDropped) {
  for (const char* code :
       {R"("x1")", R"("")", R"("-")", R"(1e300)", R"(null)", R"("99999999999")"}) {
    const ExtensionStatus s =
        ParseExtensionStatus(std::string(R"([{"status":{"status":"error","code":)") + code + "}}]");
    EXPECT_FALSE(s.code.has_value()) << code;
  }
}

TEST(ParseExtensionStatus, DeepNestingDoesNotCrash) {
  const std::string deep = "[{\"status\":{\"status\":\"success\",\"x\":" + std::string(50000, '[') +
                           std::string(50000, ']') + "}}]";
  const ExtensionStatus s = ParseExtensionStatus(deep);
  EXPECT_EQ(s.status, "success");
}

}  // namespace
}  // namespace preflight

namespace preflight {
namespace {

TEST(ParseHandlerEnvironmentLogFolder, Table) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {R"([{"name":"Microsoft.Azure.AzureDefenderForServers.MDE.Linux","version":1.0,)"
       R"("handlerEnvironment":{"logFolder":"/var/log/azure/Microsoft.Azure.)"
       R"(AzureDefenderForServers.MDE.Linux","configFolder":"/var/lib/waagent/x/config"}}])",
       "/var/log/azure/Microsoft.Azure.AzureDefenderForServers.MDE.Linux"},
      {R"([{"handlerEnvironment":{"logFolder":7}}])", ""},
      {R"([{"handlerEnvironment":"x"}])", ""},
      {R"({"handlerEnvironment":{"logFolder":"/x"}})", ""},
      {"[]", ""},
      {"[{", ""},
      {"", ""},
  };
  for (const auto& [text, folder] : cases) {
    EXPECT_EQ(ParseHandlerEnvironmentLogFolder(text), folder) << text;
  }
}

}  // namespace
}  // namespace preflight

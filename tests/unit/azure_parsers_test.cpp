#include "platform/azure/azure_parsers.h"

#include <gtest/gtest.h>

#include <string>

#include "platform/azure/arc_key_file.h"
#include "tests/fakes/fake_platform.h"

namespace preflight::azure {
namespace {

using namespace std::chrono_literals;

// reference/azure.md §1.6, trimmed: all strings, upper-case azEnvironment.
constexpr const char* kImdsDocument = R"({"compute":{"azEnvironment":"AZUREPUBLICCLOUD",
 "location":"westus","name":"examplevmname","osType":"Linux","platformFaultDomain":"36",
 "resourceGroupName":"macikgo-test-may-23",
 "resourceId":"/subscriptions/8d10da13-8125-4ba9-a717-bf7490507b3d/resourceGroups/macikgo-test-may-23/providers/Microsoft.Compute/virtualMachines/examplevmname",
 "subscriptionId":"8d10da13-8125-4ba9-a717-bf7490507b3d","tags":"baz:bash;foo:bar",
 "tagsList":[{"name":"baz","value":"bash"},{"name":"foo","value":"bar"}],
 "vmId":"02aab8a4-74ef-476e-8182-f6d2ba4166a6"},
 "network":{"interface":[{"macAddress":"000D3AF806EC"}]}})";

// §2.5: HIMDS has publicKeys null, network and storageProfile {}.
constexpr const char* kHimdsDocument = R"({"compute":{"azEnvironment":"AzurePublicCloud",
 "location":"westeurope","name":"arc-01","osType":"linux","publicKeys":null,
 "resourceGroupName":"rg-arc","resourceId":"/subscriptions/s/resourceGroups/rg-arc/providers/Microsoft.HybridCompute/machines/arc-01",
 "storageProfile":{},"subscriptionId":"s","tagsList":[],"vmId":"b7a0"},"network":{}})";

TEST(InstanceMetadata, ImdsDocument) {
  auto m = ParseInstanceMetadata(kImdsDocument, EnvironmentKind::kAzureVm);
  ASSERT_TRUE(m.Ok()) << m.Err().message;
  EXPECT_EQ(m.Value().kind, EnvironmentKind::kAzureVm);
  EXPECT_TRUE(m.Value().confirmed);
  EXPECT_EQ(m.Value().az_environment, "AZUREPUBLICCLOUD");
  EXPECT_EQ(m.Value().subscription_id, "8d10da13-8125-4ba9-a717-bf7490507b3d");
  EXPECT_EQ(m.Value().resource_group, "macikgo-test-may-23");
  EXPECT_EQ(m.Value().vm_id, "02aab8a4-74ef-476e-8182-f6d2ba4166a6");
  EXPECT_EQ(m.Value().location, "westus");
  EXPECT_EQ(m.Value().name, "examplevmname");
  EXPECT_EQ(m.Value().os_type, "Linux");
  ASSERT_EQ(m.Value().tags.size(), 2u);
  EXPECT_EQ(m.Value().tags[1], (std::pair<std::string, std::string>{"foo", "bar"}));
  ASSERT_TRUE(FindCloud(m.Value().az_environment));
  EXPECT_EQ(FindCloud(m.Value().az_environment)->name, "AzurePublicCloud");
}

TEST(InstanceMetadata, HimdsDocumentWithNullsAndEmptyObjects) {
  auto m = ParseInstanceMetadata(kHimdsDocument, EnvironmentKind::kAzureArc);
  ASSERT_TRUE(m.Ok()) << m.Err().message;
  EXPECT_EQ(m.Value().kind, EnvironmentKind::kAzureArc);
  EXPECT_EQ(m.Value().os_type, "linux");
  EXPECT_NE(m.Value().resource_id.find("HybridCompute/machines"), std::string::npos);
  EXPECT_TRUE(m.Value().tags.empty());
}

TEST(InstanceMetadata, WrongTypesAreEmptyNotFatal) {
  auto m = ParseInstanceMetadata(
      R"({"compute":{"location":7,"vmId":null,"tagsList":[1,{"name":""},{"name":"a"}]}})",
      EnvironmentKind::kAzureVm);
  ASSERT_TRUE(m.Ok());
  EXPECT_EQ(m.Value().location, "7");
  EXPECT_EQ(m.Value().vm_id, "");
  ASSERT_EQ(m.Value().tags.size(), 1u);
  EXPECT_EQ(m.Value().tags[0].first, "a");
}

TEST(InstanceMetadata, RejectsWhatIsNotMetadata) {
  for (const char* body : {"", "null", "[]", "{\"compute\":\"x\"}", "{\"network\":{}}",
                           "<html>proxy</html>", "{\"compute\":{"}) {
    EXPECT_FALSE(ParseInstanceMetadata(body, EnvironmentKind::kAzureVm).Ok()) << body;
  }
}

TEST(TokenResponse, ImdsStringNumbersAndExpiresInWins) {
  // expires_in counts from when the answer arrived, whatever the issuer's clock says in
  // expires_on: here 10 minutes ahead of ours, and then 2 hours behind (already past).
  for (const long long skew : {600LL, -7200LL}) {
    SCOPED_TRACE(skew);
    const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1506480000));
    const std::string expires_on = std::to_string(1506480000 + 3599 + skew);
    auto t = ParseTokenResponse(
        R"({"access_token":"eyJ0eXAi.x.y","refresh_token":"","expires_in":"3599","expires_on":")" +
            expires_on + R"(","not_before":"1506480273","token_type":"Bearer"})",
        now);
    ASSERT_TRUE(t.Ok()) << t.Err().message;
    EXPECT_EQ(t.Value().token, "eyJ0eXAi.x.y");
    EXPECT_EQ(t.Value().expires_on, now + 3599s);
    EXPECT_EQ(t.Value().lifetime, 3599s);
  }
}

TEST(TokenResponse, ExpiresOnAloneIsTheIssuersTime) {
  const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1506480000));
  auto t = ParseTokenResponse(R"({"access_token":"a","expires_on":"1506484173"})", now);
  ASSERT_TRUE(t.Ok()) << t.Err().message;
  EXPECT_EQ(t.Value().expires_on.time_since_epoch(), std::chrono::seconds(1506484173));
  EXPECT_FALSE(t.Value().lifetime.has_value());
}

TEST(TokenResponse, EntraNumberExpiresIn) {
  const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1000));
  auto t =
      ParseTokenResponse(R"({"token_type":"Bearer","expires_in":3599,"access_token":"a"})", now);
  ASSERT_TRUE(t.Ok());
  EXPECT_EQ(t.Value().expires_on, now + 3599s);
}

TEST(TokenResponse, ExpiresOnNotANumberFallsBackToExpiresIn) {
  const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1000));
  auto t = ParseTokenResponse(
      R"({"access_token":"a","expires_on":"12/20/2019 12:00:00 AM +00:00","expires_in":"60"})",
      now);
  ASSERT_TRUE(t.Ok());
  EXPECT_EQ(t.Value().expires_on, now + 60s);
}

TEST(TokenResponse, ErrorsNeverQuoteTheBody) {
  const auto now = std::chrono::system_clock::now();
  for (const char* body :
       {"{\"access_token\":\"SECRET-TOKEN\"}", "{\"access_token\":\"SECRET-TOKEN\",",
        "{\"access_token\":\"SECRET-TOKEN\",\"expires_in\":\"x\"}", "{\"access_token\":\"\"}",
        "{\"access_token\":\"SECRET-TOKEN\",\"expires_in\":-5}", "SECRET-TOKEN"}) {
    auto t = ParseTokenResponse(body, now);
    ASSERT_FALSE(t.Ok()) << body;
    EXPECT_EQ(t.Err().message.find("SECRET"), std::string::npos) << t.Err().message;
  }
}

TEST(ArmErrorBody, AuthorizationFailedNamesTheAction) {
  const ArmError e = ParseArmError(
      403,
      R"({"error":{"code":"AuthorizationFailed","message":"The client 'x' with object id 'y' does not have authorization to perform action 'Microsoft.Security/pricings/read' over scope '/subscriptions/s' or the scope is invalid."}})",
      "req-1");
  EXPECT_EQ(e.status, 403);
  EXPECT_EQ(e.code, "AuthorizationFailed");
  EXPECT_EQ(e.missing_action, "Microsoft.Security/pricings/read");
  EXPECT_EQ(e.request_id, "req-1");
}

TEST(ArmErrorBody, OtherShapes) {
  const ArmError not_found = ParseArmError(
      404,
      R"({"error":{"code":"NotFound","message":"A ServerVulnerabilityAssessmentsSettings..."}})",
      "");
  EXPECT_EQ(not_found.code, "NotFound");
  EXPECT_TRUE(not_found.missing_action.empty());
  const ArmError html = ParseArmError(502, "<html>Bad gateway</html>", "");
  EXPECT_EQ(html.code, "");
  EXPECT_EQ(html.message, "HTTP 502");
  const ArmError oauth = ParseArmError(
      400, R"({"error":"invalid_request","error_description":"Identity not found"})", "");
  EXPECT_EQ(oauth.code, "invalid_request");
  EXPECT_EQ(oauth.message, "Identity not found");
  const ArmError long_message = ParseArmError(
      500, R"({"error":{"code":"X","message":")" + std::string(5000, 'm') + "\"}}", "");
  EXPECT_LE(long_message.message.size(), 1010u);
}

TEST(ArmErrorBody, MissingActionEdgeCases) {
  EXPECT_EQ(MissingActionFromMessage("no action here"), "");
  EXPECT_EQ(MissingActionFromMessage("to perform action '"), "");
  EXPECT_EQ(MissingActionFromMessage("to perform action ''"), "");
  EXPECT_EQ(MissingActionFromMessage("to perform action 'a/b' and 'c'"), "a/b");
}

TEST(OAuthError, FirstLineOnly) {
  EXPECT_EQ(
      DescribeOAuthError(
          R"({"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided.\r\nTrace ID: t"})"),
      "invalid_client: AADSTS7000215: Invalid client secret provided.");
  EXPECT_EQ(DescribeOAuthError("not json"), "");
}

TEST(Clouds, ImdsAndCliNamesCaseInsensitive) {
  struct Case {
    const char* name;
    const char* arm;
    const char* authority;
  };
  for (const Case& c : {
           Case{"AzurePublicCloud", "https://management.azure.com",
                "https://login.microsoftonline.com"},
           Case{"azurecloud", "https://management.azure.com", "https://login.microsoftonline.com"},
           Case{"AZUREUSGOVERNMENTCLOUD", "https://management.usgovcloudapi.net",
                "https://login.microsoftonline.us"},
           Case{"AzureUSGovernment", "https://management.usgovcloudapi.net",
                "https://login.microsoftonline.us"},
           Case{"AzureChinaCloud", "https://management.chinacloudapi.cn",
                "https://login.chinacloudapi.cn"},
           Case{"azuregermancloud", "https://management.microsoftazure.de",
                "https://login.microsoftonline.de"},
       }) {
    const auto cloud = FindCloud(c.name);
    ASSERT_TRUE(cloud) << c.name;
    EXPECT_EQ(cloud->arm, c.arm);
    EXPECT_EQ(cloud->authority, c.authority);
  }
  EXPECT_EQ(FindCloud("AzurePublicCloud")->audience, "https://management.azure.com/");
  EXPECT_FALSE(FindCloud("AzureStack"));
  EXPECT_FALSE(FindCloud(""));
}

TEST(ListPage, ValueAndNextLink) {
  auto page = ParseArmListPage(R"({"value":[{"a":1},{"b":2}],"nextLink":"https://x/y"})");
  ASSERT_TRUE(page.Ok());
  EXPECT_EQ(page.Value().items.size(), 2u);
  EXPECT_EQ(page.Value().next_link, "https://x/y");
  auto last = ParseArmListPage(R"({"value":[],"nextLink":null})");
  ASSERT_TRUE(last.Ok());
  EXPECT_EQ(last.Value().next_link, "");
  EXPECT_FALSE(ParseArmListPage(R"({"value":{}})").Ok());
  EXPECT_FALSE(ParseArmListPage("[]").Ok());
}

TEST(UrlEncoding, ReservedCharactersEscaped) {
  EXPECT_EQ(UrlEncode("https://management.azure.com/"), "https%3A%2F%2Fmanagement.azure.com%2F");
  EXPECT_EQ(UrlEncode("a b+c&d=e~_.-"), "a%20b%2Bc%26d%3De~_.-");
}

// ---- Arc key-file path validation (reference/azure.md §2.3) ----

constexpr const char* kDir = "/var/opt/azcmagent/tokens";

TEST(ArcKeyPath, AcceptsAKeyFileDirectlyInTheDirectory) {
  auto ok = ValidateArcKeyPath("/var/opt/azcmagent/tokens/1b2c.key", kDir, PathStyle::kPosix);
  ASSERT_TRUE(ok.Ok()) << ok.Err().message;
  EXPECT_EQ(ok.Value(), "/var/opt/azcmagent/tokens/1b2c.key");
  // Repeated separators collapse.
  auto doubled = ValidateArcKeyPath("//var/opt//azcmagent/tokens//x.key", kDir, PathStyle::kPosix);
  ASSERT_TRUE(doubled.Ok());
  EXPECT_EQ(doubled.Value(), "/var/opt/azcmagent/tokens/x.key");
}

TEST(ArcKeyPath, RejectsHostilePaths) {
  for (const char* realm : {
           "/var/opt/azcmagent/tokens.outside/x.key",            // outside_dir
           "/var/opt/azcmagent/tokens/../tokens.outside/x.key",  // dotdot
           "/var/opt/azcmagent/tokens/./x.key",                  // '.'
           "/var/opt/azcmagent/tokens/nested/x.key",             // subdir
           "/var/opt/azcmagent/tokens/x.txt",                    // wrong suffix
           "/var/opt/azcmagent/tokens/.key",                     // only the suffix
           "/var/opt/azcmagent/tokens/x.key=extra",              // malformed header leftovers
           "/var/opt/azcmagent/tokens/x.KEY",                    // POSIX is case-sensitive
           "/var/opt/azcmagent/TOKENS/x.key",                    //
           "var/opt/azcmagent/tokens/x.key",                     // relative
           "/var/opt/azcmagent/tokens/x\\..\\y.key",             // backslash on POSIX
           "/var/opt/azcmagent/tokens/x\n.key",                  // control character
           "/etc/shadow",                                        //
           "",                                                   //
       }) {
    auto r = ValidateArcKeyPath(realm, kDir, PathStyle::kPosix);
    ASSERT_FALSE(r.Ok()) << realm;
    EXPECT_EQ(r.Err().kind, ErrorKind::kPermission) << realm;
  }
}

TEST(ArcKeyPath, WindowsRules) {
  const std::string dir = DefaultArcTokenDir(PathStyle::kWindows, "C:\\ProgramData");
  EXPECT_EQ(dir, "C:\\ProgramData\\AzureConnectedMachineAgent\\Tokens");
  EXPECT_EQ(DefaultArcTokenDir(PathStyle::kWindows, ""), dir);
  auto ok = ValidateArcKeyPath("c:\\programdata\\AzureConnectedMachineAgent\\tokens\\a.KEY", dir,
                               PathStyle::kWindows);
  ASSERT_TRUE(ok.Ok()) << ok.Err().message;
  EXPECT_EQ(ok.Value(), "C:\\programdata\\AzureConnectedMachineAgent\\tokens\\a.KEY");
  EXPECT_TRUE(ValidateArcKeyPath("C:/ProgramData/AzureConnectedMachineAgent/Tokens/a.key", dir,
                                 PathStyle::kWindows)
                  .Ok());
  for (const char* realm : {
           "C:\\ProgramData\\AzureConnectedMachineAgent\\Tokens\\...\\etc\\filename.key",
           "C:\\ProgramData\\AzureConnectedMachineAgent\\Tokens\\..\\x.key",
           "C:\\ProgramData\\AzureConnectedMachineAgent\\Tokens\\a.key:stream",
           "C:\\ProgramData\\AzureConnectedMachineAgent\\Tokens\\a.key.",
           "D:\\ProgramData\\AzureConnectedMachineAgent\\Tokens\\a.key",
           "\\\\server\\share\\AzureConnectedMachineAgent\\Tokens\\a.key",
           "C:\\ProgramData\\AzureConnectedMachineAgent\\Tokens\\sub\\a.key",
       }) {
    EXPECT_FALSE(ValidateArcKeyPath(realm, dir, PathStyle::kWindows).Ok()) << realm;
  }
  EXPECT_EQ(DefaultArcTokenDir(PathStyle::kPosix, "ignored"), kDir);
}

TEST(ArcKeyFile, ReadsBoundedRegularFilesOnly) {
  testing::FakeFileSystem fs;
  fs.AddFile("/var/opt/azcmagent/tokens/good.key", "c2VjcmV0LWtleQ==\n");
  fs.AddFile("/var/opt/azcmagent/tokens/big.key", std::string(kMaxArcKeyFileBytes + 1, 'a'));
  fs.AddFile("/var/opt/azcmagent/tokens/max.key", std::string(kMaxArcKeyFileBytes, 'a'));
  fs.AddFile("/var/opt/azcmagent/tokens/empty.key", "\n");
  fs.AddFile("/var/opt/azcmagent/tokens/newline.key", "abc\ndef");
  fs.AddFile("/etc/shadow-copy.target", "root:SECRET-HASH");
  fs.AddLink("/var/opt/azcmagent/tokens/link.key", "/etc/shadow-copy.target");
  fs.AddDir("/var/opt/azcmagent/tokens/dir.key");

  auto good = ReadArcKeyFile(fs, "/var/opt/azcmagent/tokens/good.key", kDir, PathStyle::kPosix);
  ASSERT_TRUE(good.Ok()) << good.Err().message;
  EXPECT_EQ(good.Value(), "c2VjcmV0LWtleQ==");
  EXPECT_TRUE(ReadArcKeyFile(fs, "/var/opt/azcmagent/tokens/max.key", kDir, PathStyle::kPosix));
  for (const char* name : {"big", "empty", "newline", "link", "dir", "missing"}) {
    const std::string path = std::string(kDir) + "/" + name + ".key";
    auto r = ReadArcKeyFile(fs, path, kDir, PathStyle::kPosix);
    ASSERT_FALSE(r.Ok()) << name;
    EXPECT_NE(r.Err().message.find(path), std::string::npos) << r.Err().message;
    EXPECT_EQ(r.Err().message.find("SECRET"), std::string::npos);
    EXPECT_EQ(r.Err().message.find("abc"), std::string::npos);
  }
}

}  // namespace
}  // namespace preflight::azure

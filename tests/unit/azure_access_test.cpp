// Token credentials and the ARM client over a scripted HttpClient: the request shapes, caching,
// the nextLink host rule and the bearer rule. Real HTTP is in tests/integration.

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "platform/azure/arm_client.h"
#include "platform/azure/credentials.h"
#include "tests/fakes/fake_http_client.h"
#include "tests/fakes/fake_platform.h"

namespace preflight::azure {
namespace {

using namespace std::chrono_literals;
using preflight::testing::FakeHttpClient;
using preflight::testing::MakeHttpResponse;
using SysClock = std::chrono::system_clock;

constexpr const char* kImds = "http://169.254.169.254";
constexpr const char* kImdsTokenUrl =
    "http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01&resource="
    "https%3A%2F%2Fmanagement.azure.com%2F";

std::string TokenJson(const std::string& token, long long expires_on) {
  return R"({"access_token":")" + token + R"(","expires_in":"3599","expires_on":")" +
         std::to_string(expires_on) + R"(","token_type":"Bearer"})";
}

long long EpochIn(std::chrono::seconds from_now) {
  return std::chrono::duration_cast<std::chrono::seconds>(
             (SysClock::now() + from_now).time_since_epoch())
      .count();
}

const std::string* Header(const HttpRequest& request, const char* name) {
  return FindHeader(request.headers, name);
}

TEST(ImdsCredential, RequestShapeAndSystemAssigned) {
  FakeHttpClient http;
  http.Expect("GET", kImdsTokenUrl, {MakeHttpResponse(200, TokenJson("tok-1", EpochIn(1h)))});
  CachingCredential credential(
      MakeImdsTokenSource(http, kImds, "https://management.azure.com/", ""));
  EXPECT_EQ(credential.Description(), "system-assigned managed identity");
  auto outcome = credential.GetToken(std::chrono::steady_clock::time_point::max());
  ASSERT_TRUE(outcome.token) << outcome.error->message;
  EXPECT_EQ(outcome.token->token, "tok-1");
  const auto requests = http.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].proxy.mode, HttpProxy::Mode::kNone);
  ASSERT_NE(Header(requests[0], "Metadata"), nullptr);
  EXPECT_EQ(*Header(requests[0], "Metadata"), "true");
}

TEST(ImdsCredential, UserAssignedClientId) {
  FakeHttpClient http;
  http.Expect("GET", std::string(kImdsTokenUrl) + "&client_id=1e7d-5a4f",
              {MakeHttpResponse(200, TokenJson("tok-ua", EpochIn(1h)))});
  CachingCredential credential(
      MakeImdsTokenSource(http, kImds, "https://management.azure.com/", "1e7d-5a4f"));
  EXPECT_EQ(credential.Description(), "user-assigned managed identity 1e7d-5a4f");
  EXPECT_TRUE(credential.GetToken(std::chrono::steady_clock::time_point::max()).token);
}

TEST(ImdsCredential, BadRequestMeansNoIdentityAndSaysWhatToGrant) {
  FakeHttpClient http;
  http.Expect("GET", kImdsTokenUrl,
              {MakeHttpResponse(400, R"({"error":"invalid_request","error_description":
                                         "Identity not found"})")});
  CachingCredential credential(
      MakeImdsTokenSource(http, kImds, "https://management.azure.com/", ""));
  auto outcome = credential.GetToken(std::chrono::steady_clock::time_point::max());
  ASSERT_FALSE(outcome.token);
  EXPECT_EQ(outcome.error->code, kNoIdentity);
  EXPECT_EQ(outcome.error->status, 400);
  EXPECT_NE(outcome.error->message.find("Security Reader"), std::string::npos);
  EXPECT_NE(outcome.error->message.find("system-assigned managed identity"), std::string::npos);
}

TEST(ImdsCredential, TransportFailureIsTransportError) {
  FakeHttpClient http;  // no expectation: kUnavailable
  CachingCredential credential(
      MakeImdsTokenSource(http, kImds, "https://management.azure.com/", ""));
  auto outcome = credential.GetToken(std::chrono::steady_clock::time_point::max());
  ASSERT_FALSE(outcome.token);
  EXPECT_EQ(outcome.error->code, kTransport);
}

TEST(CachingCredential, ReusesUntilFiveMinutesBeforeExpiry) {
  FakeHttpClient http;
  const long long expires = EpochIn(1h);
  http.Expect("GET", kImdsTokenUrl,
              {MakeHttpResponse(200, TokenJson("first", expires)),
               MakeHttpResponse(200, TokenJson("second", expires + 3600))});
  auto now = SysClock::now();
  CachingCredential credential(
      MakeImdsTokenSource(http, kImds, "https://management.azure.com/", ""), [&] { return now; });
  const auto never = std::chrono::steady_clock::time_point::max();
  EXPECT_EQ(credential.GetToken(never).token->token, "first");
  now += 50min;  // 10 min left: still good
  EXPECT_EQ(credential.GetToken(never).token->token, "first");
  EXPECT_EQ(credential.Fetches(), 1);
  now += 6min;  // 4 min left: refresh
  EXPECT_EQ(credential.GetToken(never).token->token, "second");
  EXPECT_EQ(credential.Fetches(), 2);
}

TEST(CachingCredential, ExpiresInHoldsWhenTheIssuersClockDisagrees) {
  // The issuer's expires_on is two hours behind this machine's clock: already past here.
  FakeHttpClient http;
  http.Expect("GET", kImdsTokenUrl, {MakeHttpResponse(200, TokenJson("skewed", EpochIn(-2h)))});
  auto now = SysClock::now();
  CachingCredential credential(
      MakeImdsTokenSource(http, kImds, "https://management.azure.com/", ""), [&] { return now; });
  const auto never = std::chrono::steady_clock::time_point::max();
  for (int i = 0; i < 5; ++i) EXPECT_EQ(credential.GetToken(never).token->token, "skewed");
  now += 54min;  // expires_in 3599 s from receipt: 6 min left
  EXPECT_EQ(credential.GetToken(never).token->token, "skewed");
  EXPECT_EQ(credential.Fetches(), 1);
  now += 2min;  // 4 min left: refresh
  credential.GetToken(never);
  EXPECT_EQ(credential.Fetches(), 2);
}

TEST(CachingCredential, ExpiresOnAloneIsTrustedAsItIs) {
  // Without expires_in there is nothing else to go by: a past expires_on is not cached.
  FakeHttpClient http;
  http.Expect("GET", kImdsTokenUrl,
              {MakeHttpResponse(200, R"({"access_token":"old","expires_on":")" +
                                         std::to_string(EpochIn(-2h)) + R"("})")});
  CachingCredential credential(
      MakeImdsTokenSource(http, kImds, "https://management.azure.com/", ""));
  const auto never = std::chrono::steady_clock::time_point::max();
  credential.GetToken(never);
  credential.GetToken(never);
  EXPECT_EQ(credential.Fetches(), 2);
}

TEST(CachingCredential, ConcurrentCallersShareOneFetch) {
  FakeHttpClient http;
  http.Expect("GET", kImdsTokenUrl, {MakeHttpResponse(200, TokenJson("shared", EpochIn(1h)))});
  CachingCredential credential(
      MakeImdsTokenSource(http, kImds, "https://management.azure.com/", ""));
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      if (credential.GetToken(std::chrono::steady_clock::time_point::max()).token) ++ok;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 8);
  EXPECT_EQ(http.requests().size(), 1u);
}

TEST(CachingCredential, DeadlinePassedMeansNoRequest) {
  FakeHttpClient http;
  CachingCredential credential(
      MakeImdsTokenSource(http, kImds, "https://management.azure.com/", ""));
  auto outcome = credential.GetToken(std::chrono::steady_clock::now() - 1s);
  ASSERT_FALSE(outcome.token);
  EXPECT_EQ(outcome.error->code, kDeadline);
  EXPECT_TRUE(http.requests().empty());
}

constexpr const char* kIdentityEndpoint = "http://127.0.0.1:40342/metadata/identity/oauth2/token";
constexpr const char* kArcTokenUrl =
    "http://127.0.0.1:40342/metadata/identity/oauth2/token?api-version=2020-06-01&resource="
    "https%3A%2F%2Fmanagement.azure.com%2F";
constexpr const char* kTokens = "/var/opt/azcmagent/tokens";

TEST(ArcCredential, AnswersTheChallengeWithTheKeyFile) {
  FakeHttpClient http;
  testing::FakeFileSystem fs;
  fs.AddFile("/var/opt/azcmagent/tokens/k1.key", "KEY-SECRET-1");
  http.Expect(
      "GET", kArcTokenUrl,
      {MakeHttpResponse(401, "{}",
                        {{"WWW-Authenticate", "Basic realm=/var/opt/azcmagent/tokens/k1.key"}}),
       MakeHttpResponse(200, TokenJson("arc-tok", EpochIn(24h)))});
  CachingCredential credential(MakeArcTokenSource(
      http, kIdentityEndpoint, "https://management.azure.com/", fs, kTokens, PathStyle::kPosix));
  auto outcome = credential.GetToken(std::chrono::steady_clock::time_point::max());
  ASSERT_TRUE(outcome.token) << outcome.error->message;
  const auto requests = http.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(Header(requests[0], "Authorization"), nullptr);
  ASSERT_NE(Header(requests[1], "Authorization"), nullptr);
  EXPECT_EQ(*Header(requests[1], "Authorization"), "Basic KEY-SECRET-1");
  EXPECT_FALSE(requests[1].allow_retry);
  for (const auto& r : requests) EXPECT_EQ(r.proxy.mode, HttpProxy::Mode::kNone);
}

TEST(ArcCredential, RefusesHostileChallengesWithoutAnsweringThem) {
  for (const char* realm :
       {"/var/opt/azcmagent/tokens.outside/k.key",
        "/var/opt/azcmagent/tokens/../tokens.outside/k.key",
        "/var/opt/azcmagent/tokens/nested/k.key", "/var/opt/azcmagent/tokens/k.txt",
        "/var/opt/azcmagent/tokens/link.key"}) {
    FakeHttpClient http;
    testing::FakeFileSystem fs;
    fs.AddFile(std::string(realm), "KEY-SECRET-2");
    fs.AddFile("/elsewhere/target", "KEY-SECRET-2");
    fs.AddLink("/var/opt/azcmagent/tokens/link.key", "/elsewhere/target");
    http.Expect(
        "GET", kArcTokenUrl,
        {MakeHttpResponse(401, "{}", {{"WWW-Authenticate", std::string("Basic realm=") + realm}})});
    CachingCredential credential(MakeArcTokenSource(
        http, kIdentityEndpoint, "https://management.azure.com/", fs, kTokens, PathStyle::kPosix));
    auto outcome = credential.GetToken(std::chrono::steady_clock::time_point::max());
    ASSERT_FALSE(outcome.token) << realm;
    EXPECT_EQ(outcome.error->code, kNoIdentity);
    EXPECT_EQ(outcome.error->message.find("KEY-SECRET"), std::string::npos);
    EXPECT_EQ(http.requests().size(), 1u) << realm << ": the challenge must not be answered";
  }
}

TEST(ArcCredential, NonLoopbackIdentityEndpointIsRefused) {
  FakeHttpClient http;
  testing::FakeFileSystem fs;
  CachingCredential credential(
      MakeArcTokenSource(http, "http://10.0.0.5:40342/metadata/identity/oauth2/token",
                         "https://management.azure.com/", fs, kTokens, PathStyle::kPosix));
  auto outcome = credential.GetToken(std::chrono::steady_clock::time_point::max());
  ASSERT_FALSE(outcome.token);
  EXPECT_EQ(outcome.error->code, kRefusedUrl);
  EXPECT_TRUE(http.requests().empty());
}

TEST(ClientSecretCredential, PostsTheFormAndNeverEchoesTheSecret) {
  FakeHttpClient http;
  const std::string url = "https://login.microsoftonline.com/tenant-1/oauth2/v2.0/token";
  http.Expect("POST", url,
              {MakeHttpResponse(401, R"({"error":"invalid_client","error_description":
                                         "AADSTS7000215: Invalid client secret provided."})"),
               MakeHttpResponse(200, R"({"token_type":"Bearer","expires_in":3599,
                                         "access_token":"sp-tok"})")});
  ClientSecretSettings settings{"https://login.microsoftonline.com/", "tenant-1", "app-1",
                                "s3cr&t=QQzz9", "https://management.azure.com/"};
  CachingCredential credential(MakeClientSecretTokenSource(http, settings));
  EXPECT_EQ(credential.Description(), "service principal app-1");
  auto refused = credential.GetToken(std::chrono::steady_clock::time_point::max());
  ASSERT_FALSE(refused.token);
  EXPECT_EQ(refused.error->status, 401);
  EXPECT_NE(refused.error->message.find("AADSTS7000215"), std::string::npos);
  EXPECT_EQ(refused.error->message.find("QQzz9"), std::string::npos);
  auto ok = credential.GetToken(std::chrono::steady_clock::time_point::max());
  ASSERT_TRUE(ok.token);
  const auto requests = http.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].body,
            "grant_type=client_credentials&client_id=app-1&client_secret=s3cr%26t%3DQQzz9&scope="
            "https%3A%2F%2Fmanagement.azure.com%2F.default");
  EXPECT_EQ(requests[0].proxy.mode, HttpProxy::Mode::kFromEnvironment);
}

TEST(ClientSecretCredential, PlainHttpAuthorityOffLoopbackIsRefused) {
  FakeHttpClient http;
  CachingCredential credential(MakeClientSecretTokenSource(
      http, {"http://login.example.com", "t", "c", "SECRET", "https://management.azure.com/"}));
  auto outcome = credential.GetToken(std::chrono::steady_clock::time_point::max());
  ASSERT_FALSE(outcome.token);
  EXPECT_EQ(outcome.error->code, kRefusedUrl);
  EXPECT_TRUE(http.requests().empty());
  CachingCredential bad_tenant(MakeClientSecretTokenSource(
      http, {"https://login.microsoftonline.com", "t/../x", "c", "SECRET", "https://a/"}));
  EXPECT_FALSE(bad_tenant.GetToken(std::chrono::steady_clock::time_point::max()).token);
  EXPECT_TRUE(http.requests().empty());
}

// ---- ARM client ----

ArmClientOptions At(const std::string& endpoint) {
  ArmClientOptions options;
  options.endpoint = endpoint;
  return options;
}

class ArmClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    http_.Expect("GET", kImdsTokenUrl, {MakeHttpResponse(200, TokenJson("arm-tok", EpochIn(1h)))});
  }
  HttpArmClient Client(const std::string& endpoint, std::size_t max_pages = 50) {
    ArmClientOptions options;
    options.endpoint = endpoint;
    options.max_pages = max_pages;
    options.new_request_id = [] { return std::string("client-req-1"); };
    return HttpArmClient(http_, credential_, options);
  }
  std::size_t ArmRequests() const {
    std::size_t n = 0;
    for (const auto& r : http_.requests()) n += r.url.find("/metadata/") == std::string::npos;
    return n;
  }

  FakeHttpClient http_;
  CachingCredential credential_{
      MakeImdsTokenSource(http_, kImds, "https://management.azure.com/", "")};
};

TEST_F(ArmClientTest, GetSendsBearerAndIdsAndCaches) {
  const std::string url =
      "https://management.azure.com/subscriptions/s/providers/Microsoft.Security/pricings/"
      "VirtualMachines?api-version=2024-01-01";
  http_.Expect("GET", url,
               {MakeHttpResponse(200, R"({"properties":{"pricingTier":"Standard"}})",
                                 {{"x-ms-request-id", "srv-req-9"}})});
  auto arm = Client("https://management.azure.com/");
  EXPECT_EQ(arm.Endpoint(), "https://management.azure.com");
  auto first = arm.Get("/subscriptions/s/providers/Microsoft.Security/pricings/VirtualMachines",
                       "2024-01-01");
  ASSERT_TRUE(first.Ok());
  EXPECT_EQ((*first.body)["properties"]["pricingTier"], "Standard");
  EXPECT_EQ(first.request_id, "srv-req-9");
  auto second = arm.Get("/subscriptions/s/providers/Microsoft.Security/pricings/VirtualMachines",
                        "2024-01-01");
  EXPECT_TRUE(second.Ok());
  EXPECT_EQ(ArmRequests(), 1u);
  const auto requests = http_.requests();
  const HttpRequest& sent = requests.back();
  EXPECT_EQ(*Header(sent, "Authorization"), "Bearer arm-tok");
  EXPECT_EQ(*Header(sent, "x-ms-client-request-id"), "client-req-1");
  EXPECT_EQ(credential_.Fetches(), 1);
}

TEST_F(ArmClientTest, ConcurrentGetsOfOneUrlMakeOneRequest) {
  const std::string url = "https://management.azure.com/x?api-version=1";
  http_.Expect("GET", url, {MakeHttpResponse(200, "{}")});
  auto arm = Client("https://management.azure.com");
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] { ok += arm.Get("/x", "1").Ok(); });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 8);
  EXPECT_EQ(ArmRequests(), 1u);
}

TEST_F(ArmClientTest, ErrorBodiesBecomeArmErrors) {
  http_.Expect(
      "GET", "https://management.azure.com/p?api-version=1",
      {MakeHttpResponse(
          403,
          R"({"error":{"code":"AuthorizationFailed","message":"does not have authorization to perform action 'Microsoft.Security/settings/read' over scope"}})",
          {{"x-ms-request-id", "r-403"}})});
  auto arm = Client("https://management.azure.com");
  auto outcome = arm.Get("/p", "1");
  ASSERT_FALSE(outcome.Ok());
  EXPECT_EQ(outcome.status, 403);
  EXPECT_EQ(outcome.error->code, "AuthorizationFailed");
  EXPECT_EQ(outcome.error->missing_action, "Microsoft.Security/settings/read");
  EXPECT_EQ(outcome.error->request_id, "r-403");
}

TEST_F(ArmClientTest, MalformedSuccessBody) {
  http_.Expect("GET", "https://management.azure.com/p?api-version=1",
               {MakeHttpResponse(200, "{\"value\": [")});
  auto arm = Client("https://management.azure.com");
  auto outcome = arm.Get("/p", "1");
  ASSERT_FALSE(outcome.Ok());
  EXPECT_EQ(outcome.error->code, kMalformed);
}

TEST_F(ArmClientTest, ListFollowsNextLinkOnTheArmHostOnly) {
  http_.Expect("GET", "https://management.azure.com/l?api-version=1",
               {MakeHttpResponse(200, R"({"value":[1,2],"nextLink":
                   "https://management.azure.com/l?api-version=1&$skiptoken=2"})")});
  http_.Expect("GET", "https://management.azure.com/l?api-version=1&$skiptoken=2",
               {MakeHttpResponse(200, R"({"value":[3],"nextLink":
                   "https://attacker.example.invalid/l?api-version=1&$skiptoken=3"})")});
  auto arm = Client("https://management.azure.com");
  auto outcome = arm.List("/l", "1");
  ASSERT_TRUE(outcome.error);
  EXPECT_EQ(outcome.error->code, kRefusedUrl);
  ASSERT_TRUE(outcome.body);  // what was read is kept
  EXPECT_EQ((*outcome.body)["value"], nlohmann::json::parse("[1,2,3]"));
  for (const auto& r : http_.requests()) {
    EXPECT_EQ(r.url.find("attacker"), std::string::npos) << r.url;
  }
}

TEST_F(ArmClientTest, ListRefusesAnotherPortOrScheme) {
  for (const char* next : {"https://management.azure.com:8443/l?x=1",
                           "http://management.azure.com/l?x=1", "not a url"}) {
    FakeHttpClient http;
    http.Expect("GET", kImdsTokenUrl, {MakeHttpResponse(200, TokenJson("t", EpochIn(1h)))});
    http.Expect(
        "GET", "https://management.azure.com/l?api-version=1",
        {MakeHttpResponse(200, std::string(R"({"value":[1],"nextLink":")") + next + "\"}")});
    CachingCredential credential(
        MakeImdsTokenSource(http, kImds, "https://management.azure.com/", ""));
    HttpArmClient arm(http, credential, At("https://management.azure.com"));
    auto outcome = arm.List("/l", "1");
    ASSERT_TRUE(outcome.error) << next;
    EXPECT_EQ(outcome.error->code, kRefusedUrl) << next;
    EXPECT_EQ(http.requests().size(), 2u) << next;
  }
}

TEST_F(ArmClientTest, ListStopsAtThePageBound) {
  http_.Expect("GET", "https://management.azure.com/l*",
               {MakeHttpResponse(200, R"({"value":[1],"nextLink":
                   "https://management.azure.com/l?api-version=1&page=again"})")});
  auto arm = Client("https://management.azure.com", /*max_pages=*/3);
  auto outcome = arm.List("/l", "1");
  ASSERT_TRUE(outcome.error);
  ASSERT_TRUE(outcome.body);
  EXPECT_EQ((*outcome.body)["value"].size(), 3u);
  EXPECT_EQ(ArmRequests(), 3u);
}

TEST_F(ArmClientTest, NoBearerOverPlainHttpOffLoopback) {
  auto arm = Client("http://management.example.com");
  auto outcome = arm.Get("/p", "1");
  ASSERT_FALSE(outcome.Ok());
  EXPECT_EQ(outcome.error->code, kRefusedUrl);
  EXPECT_EQ(ArmRequests(), 0u);
  EXPECT_EQ(credential_.Fetches(), 0);
}

TEST_F(ArmClientTest, NoRequestStartsPastTheDeadline) {
  ArmClientOptions options;
  options.endpoint = "https://management.azure.com";
  options.deadline = std::chrono::steady_clock::now() - 1s;
  HttpArmClient arm(http_, credential_, options);
  auto outcome = arm.Get("/p", "1");
  ASSERT_FALSE(outcome.Ok());
  EXPECT_EQ(outcome.error->code, kDeadline);
  EXPECT_TRUE(http_.requests().empty());
}

TEST_F(ArmClientTest, SendPostsJsonAndIsNotCached) {
  const std::string url =
      "https://management.azure.com/r/providers/Microsoft.Resources/tags/default?api-version="
      "2021-04-01";
  http_.Expect("PATCH", url, {MakeHttpResponse(200, R"({"properties":{"tags":{}}})")});
  auto arm = Client("https://management.azure.com");
  const nlohmann::json body = {{"operation", "Merge"}};
  EXPECT_TRUE(
      arm.Send("PATCH", "/r/providers/Microsoft.Resources/tags/default", "2021-04-01", body).Ok());
  EXPECT_TRUE(
      arm.Send("PATCH", "/r/providers/Microsoft.Resources/tags/default", "2021-04-01", body).Ok());
  EXPECT_EQ(ArmRequests(), 2u);
  const auto requests = http_.requests();
  EXPECT_EQ(requests.back().body, R"({"operation":"Merge"})");
  EXPECT_EQ(*Header(requests.back(), "Content-Type"), "application/json");
}

TEST_F(ArmClientTest, NoIdentityIsReportedPerRequest) {
  FakeHttpClient http;
  http.Expect("GET", kImdsTokenUrl, {MakeHttpResponse(400, R"({"error":"invalid_request"})")});
  CachingCredential credential(
      MakeImdsTokenSource(http, kImds, "https://management.azure.com/", ""));
  HttpArmClient arm(http, credential, At("https://management.azure.com"));
  auto outcome = arm.Get("/p", "1");
  ASSERT_FALSE(outcome.Ok());
  EXPECT_EQ(outcome.error->code, kNoIdentity);
}

TEST(Guid, Version4Shape) {
  const std::string a = NewGuid();
  ASSERT_EQ(a.size(), 36u);
  EXPECT_EQ(a[8], '-');
  EXPECT_EQ(a[14], '4');
  EXPECT_NE(std::string("89ab").find(a[19]), std::string::npos);
  EXPECT_NE(a, NewGuid());
}

}  // namespace
}  // namespace preflight::azure

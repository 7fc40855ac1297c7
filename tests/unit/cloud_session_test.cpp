// The agent's choice of identity and endpoints over scripted HTTP (real HTTP: tests/integration).

#include "agent/cloud_session.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "tests/fakes/fake_http_client.h"
#include "tests/fakes/fake_platform.h"

namespace preflight {
namespace {

using namespace std::chrono_literals;
using testing::FakeHttpClient;
using testing::MakeHttpResponse;

constexpr const char* kImds = "http://127.0.0.1:9";
constexpr const char* kMetadataUrl = "http://127.0.0.1:9/metadata/instance?api-version=2021-02-01";
constexpr const char* kMetadata =
    R"({"compute":{"azEnvironment":"AzureUSGovernmentCloud","subscriptionId":"sub-1",
        "resourceId":"/subscriptions/sub-1/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm"}})";

class Forwarding final : public HttpClient {
 public:
  explicit Forwarding(FakeHttpClient& fake) : fake_(fake) {}
  Result<HttpResponse> Send(const HttpRequest& request) override { return fake_.Send(request); }

 private:
  FakeHttpClient& fake_;
};

std::string TokenJson() {
  return R"({"access_token":"tok","expires_in":3599,"token_type":"Bearer"})";
}

class CloudSessionTest : public ::testing::Test {
 protected:
  std::unique_ptr<CloudSession> Create(CloudOptions options) {
    options.deadline = std::chrono::steady_clock::now() + 30s;
    return CloudSession::Create(world_.Ctx(), world_.fs, options,
                                std::make_unique<Forwarding>(http_));
  }
  bool Noted(const CloudSession& session, const std::string& fragment) {
    for (const auto& note : session.Access().machine.notes) {
      if (note.find(fragment) != std::string::npos) return true;
    }
    return false;
  }
  testing::FakeWorld world_;
  FakeHttpClient http_;
};

TEST_F(CloudSessionTest, TheMachinesCloudPicksArmAndAudience) {
  http_.Expect("GET", kMetadataUrl, {MakeHttpResponse(200, kMetadata)});
  http_.Expect("GET", "http://127.0.0.1:9/metadata/identity/oauth2/token*",
               {MakeHttpResponse(200, TokenJson())});
  CloudOptions options;
  options.imds_endpoint = std::string(kImds) + "/";
  auto session = Create(options);
  ASSERT_NE(session->Access().arm, nullptr);
  EXPECT_EQ(session->Access().arm->Endpoint(), "https://management.usgovcloudapi.net");
  const auto requests = http_.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_NE(requests[1].url.find("resource=https%3A%2F%2Fmanagement.usgovcloudapi.net%2F"),
            std::string::npos)
      << requests[1].url;
  EXPECT_FALSE(requests[0].allow_retry);
  EXPECT_EQ(requests[0].connect_timeout, 1s);
}

TEST_F(CloudSessionTest, AServicePrincipalWinsOverTheManagedIdentity) {
  http_.Expect("GET", kMetadataUrl, {MakeHttpResponse(200, kMetadata)});
  http_.Expect("POST", "https://login.microsoftonline.us/tenant-1/oauth2/v2.0/token",
               {MakeHttpResponse(200, TokenJson())});
  world_.env.Set("AZURE_TENANT_ID", "tenant-1");
  world_.env.Set("AZURE_CLIENT_ID", "app-1");
  world_.env.Set("AZURE_CLIENT_SECRET", "QQzz9-secret");
  CloudOptions options;
  options.imds_endpoint = kImds;
  auto session = Create(options);
  EXPECT_EQ(session->Access().identity_description, "service principal app-1");
  ASSERT_NE(session->Access().arm, nullptr);
  for (const auto& note : session->Access().machine.notes) {
    EXPECT_EQ(note.find("QQzz9"), std::string::npos);
  }
}

TEST_F(CloudSessionTest, ABadArmOverrideIsNotedAndNotUsed) {
  http_.Expect("GET", kMetadataUrl, {MakeHttpResponse(200, kMetadata)});
  http_.Expect("GET", "http://127.0.0.1:9/metadata/identity/oauth2/token*",
               {MakeHttpResponse(200, TokenJson())});
  CloudOptions options;
  options.imds_endpoint = kImds;
  options.arm_endpoint = "https://arm.example/some/path?x=1";
  auto session = Create(options);
  ASSERT_NE(session->Access().arm, nullptr);
  EXPECT_EQ(session->Access().arm->Endpoint(), "https://management.usgovcloudapi.net");
  EXPECT_TRUE(Noted(*session, "--arm-endpoint"));
}

TEST_F(CloudSessionTest, ClientIdIsIgnoredOnArcAndTheTestHookNeedsLoopback) {
  world_.env.Set("IDENTITY_ENDPOINT", "http://10.1.2.3:40342/metadata/identity/oauth2/token");
  world_.env.Set("IMDS_ENDPOINT", "http://127.0.0.1:9");
  world_.env.Set(kTestArcTokenDirVariable, "/tmp/anything");
  http_.Expect("GET", "http://127.0.0.1:9/metadata/instance?api-version=2020-06-01",
               {MakeHttpResponse(200, kMetadata)});
  CloudOptions options;
  options.client_id = "ua-1";
  auto session = Create(options);
  EXPECT_EQ(session->Access().machine.kind, azure::EnvironmentKind::kAzureArc);
  EXPECT_TRUE(Noted(*session, "client_id is ignored on Arc"));
  EXPECT_FALSE(Noted(*session, "test hook"));
  ASSERT_TRUE(session->Access().identity_error);
  EXPECT_EQ(session->Access().identity_error->code, azure::kRefusedUrl);
  EXPECT_EQ(session->Access().arm, nullptr);
}

TEST_F(CloudSessionTest, UnconfirmedAzureSignsGiveNoIdentityWithTheReason) {
  world_.fs.AddFile("/sys/devices/virtual/dmi/id/chassis_asset_tag",
                    "7783-7084-3265-9085-8269-3286-77\n");
  CloudOptions options;
  options.imds_endpoint = kImds;  // nothing answers there (no fake expectation)
  auto session = Create(options);
  EXPECT_FALSE(session->Access().machine.confirmed);
  ASSERT_TRUE(session->Access().identity_error);
  EXPECT_EQ(session->Access().identity_error->code, azure::kNoIdentity);
  EXPECT_EQ(session->Access().arm, nullptr);
  const auto report = EnvironmentReport(nlohmann::json::object(), &session->Access());
  EXPECT_TRUE(report["subscription_id"].is_null());
  EXPECT_EQ(report["confirmed"], false);
}

}  // namespace
}  // namespace preflight

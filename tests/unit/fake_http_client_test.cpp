#include "tests/fakes/fake_http_client.h"

#include <gtest/gtest.h>

namespace preflight::testing {
namespace {

HttpRequest Request(std::string method, std::string url) {
  HttpRequest request;
  request.method = std::move(method);
  request.url = std::move(url);
  return request;
}

TEST(FakeHttpClient, ExactBeatsPrefixAndLongerPrefixBeatsShorter) {
  FakeHttpClient fake;
  fake.Expect("GET", "https://arm/*", {MakeHttpResponse(200, "short")});
  fake.Expect("GET", "https://arm/subscriptions/*", {MakeHttpResponse(200, "long")});
  fake.Expect("GET", "https://arm/subscriptions/s?api-version=1", {MakeHttpResponse(200, "exact")});
  EXPECT_EQ(fake.Send(Request("GET", "https://arm/providers")).Value().body, "short");
  EXPECT_EQ(fake.Send(Request("GET", "https://arm/subscriptions/t")).Value().body, "long");
  EXPECT_EQ(fake.Send(Request("GET", "https://arm/subscriptions/s?api-version=1")).Value().body,
            "exact");
  EXPECT_FALSE(fake.Send(Request("POST", "https://arm/providers")).Ok());  // method matters
  EXPECT_EQ(fake.requests().size(), 4U);
}

TEST(FakeHttpClient, PlaysAnswersInOrderThenRepeatsTheLast) {
  FakeHttpClient fake;
  fake.Expect("GET", "http://imds/x",
              {MakeError(ErrorKind::kTimeout, "slow"), MakeHttpResponse(429),
               MakeHttpResponse(200, "{}", {{"Content-Type", "application/json"}})});
  EXPECT_EQ(fake.Send(Request("GET", "http://imds/x")).Err().kind, ErrorKind::kTimeout);
  EXPECT_EQ(fake.Send(Request("GET", "http://imds/x")).Value().status, 429);
  for (int i = 0; i < 3; ++i) {
    auto result = fake.Send(Request("GET", "http://imds/x"));
    ASSERT_TRUE(result.Ok());
    EXPECT_EQ(result.Value().status, 200);
    EXPECT_EQ(*result.Value().Header("content-type"), "application/json");
  }
}

TEST(FakeHttpClient, UnmatchedRequestsFailLoudly) {
  FakeHttpClient fake;
  auto result = fake.Send(Request("GET", "https://nowhere/"));
  ASSERT_FALSE(result.Ok());
  EXPECT_EQ(result.Err().kind, ErrorKind::kUnavailable);
  EXPECT_NE(result.Err().message.find("https://nowhere/"), std::string::npos);
}

}  // namespace
}  // namespace preflight::testing

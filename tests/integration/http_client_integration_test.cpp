// The libcurl transport and the retry decorator over real HTTP against a loopback server.

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "platform/http.h"
#include "platform/retry_http_client.h"
#include "tests/integration/http_test_server.h"

namespace preflight {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

class HttpIntegration : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::string error;
    server_ = testing::HttpTestServer::Start(error).release();
    ASSERT_NE(server_, nullptr) << error;
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override {
    if (server_ == nullptr) GTEST_SKIP() << "no test server";
  }

  // Every test uses its own key so per-key server state never leaks between tests.
  static std::string Key() {
    return ::testing::UnitTest::GetInstance()->current_test_info()->name();
  }
  static HttpRequest Get(const std::string& path_and_query) {
    HttpRequest request;
    request.url = server_->Url(path_and_query);
    request.proxy = HttpProxy::None();
    request.total_timeout = 10s;  // a hung test fails in seconds, not minutes
    return request;
  }
  static RetryHttpClient FastRetries() {
    RetryOptions options;
    options.base_delay = 20ms;
    return RetryHttpClient(MakeHttpClient(), options);
  }

  static testing::HttpTestServer* server_;
  std::unique_ptr<HttpClient> client_ = MakeHttpClient();
};

testing::HttpTestServer* HttpIntegration::server_ = nullptr;

// Restores an environment variable on scope exit.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value != nullptr) {
      setenv(name, value, 1);
    } else {
      unsetenv(name);
    }
  }
  ~ScopedEnv() {
    if (old_) {
      setenv(name_, old_->c_str(), 1);
    } else {
      unsetenv(name_);
    }
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

TEST_F(HttpIntegration, OkWithBodyAndHeaders) {
  auto result = client_->Send(Get("/ok"));
  ASSERT_TRUE(result.Ok()) << result.Err().message;
  const HttpResponse& r = result.Value();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "hello");
  ASSERT_NE(r.Header("x-test"), nullptr);
  EXPECT_EQ(*r.Header("X-TEST"), "yes");
  ASSERT_NE(r.Header("X-Ms-Request-Id"), nullptr);
  EXPECT_EQ(*r.Header("x-ms-request-id"), "req-42");
  EXPECT_EQ(r.attempts, 1);
}

TEST_F(HttpIntegration, SendsMethodHeadersAndBodyAsGiven) {
  for (const char* method : {"POST", "PATCH", "PUT"}) {
    HttpRequest request = Get("/echo?q=1");
    request.method = method;
    request.headers = {{"Metadata", "true"}, {"X-Empty", ""}, {"Content-Type", "application/json"}};
    request.body = R"({"operation":"Merge"})";
    auto result = client_->Send(request);
    ASSERT_TRUE(result.Ok()) << result.Err().message;
    const auto echo = nlohmann::json::parse(result.Value().body);
    EXPECT_EQ(echo["method"], method);
    EXPECT_EQ(echo["target"], "/echo?q=1");
    EXPECT_EQ(echo["body"], request.body);
    std::vector<std::string> names;
    for (const auto& h : echo["headers"]) names.push_back(h[0].get<std::string>());
    EXPECT_NE(std::find(names.begin(), names.end(), "Metadata"), names.end());
    EXPECT_NE(std::find(names.begin(), names.end(), "X-Empty"), names.end());
    EXPECT_EQ(std::find(names.begin(), names.end(), "Expect"), names.end());
  }
}

TEST_F(HttpIntegration, RetryAfterIsHonouredByTheRealRetryClient) {
  RetryHttpClient retrying = FastRetries();
  auto result = retrying.Send(Get("/throttle?after=1&key=" + Key()));
  ASSERT_TRUE(result.Ok()) << result.Err().message;
  EXPECT_EQ(result.Value().status, 200);
  EXPECT_EQ(result.Value().attempts, 2);

  auto times = client_->Send(Get("/times?of=" + Key()));
  ASSERT_TRUE(times.Ok());
  const auto arrivals = nlohmann::json::parse(times.Value().body);
  ASSERT_EQ(arrivals.size(), 2U);
  // The server asked for 1 s; the 20 ms backoff must not have been used instead.
  EXPECT_GE(arrivals[1].get<double>() - arrivals[0].get<double>(), 1.0);
}

TEST_F(HttpIntegration, FlappingServerRecovers) {
  RetryHttpClient retrying = FastRetries();
  auto result = retrying.Send(Get("/flap?fail=2&key=" + Key()));
  ASSERT_TRUE(result.Ok()) << result.Err().message;
  EXPECT_EQ(result.Value().status, 200);
  EXPECT_EQ(result.Value().body, "recovered");
  EXPECT_EQ(result.Value().attempts, 3);
}

TEST_F(HttpIntegration, ConnectionRefusedIsUnavailableAndRetried) {
  const std::uint16_t port = testing::ClosedLoopbackPort();
  ASSERT_NE(port, 0);
  HttpRequest request = Get("/");
  request.url = "http://127.0.0.1:" + std::to_string(port) + "/";
  auto direct = client_->Send(request);
  ASSERT_FALSE(direct.Ok());
  EXPECT_EQ(direct.Err().kind, ErrorKind::kUnavailable) << direct.Err().message;

  RetryHttpClient retrying = FastRetries();
  auto retried = retrying.Send(request);
  ASSERT_FALSE(retried.Ok());
  EXPECT_EQ(retried.Err().kind, ErrorKind::kUnavailable);
  EXPECT_NE(retried.Err().message.find("gave up after 4 attempts"), std::string::npos)
      << retried.Err().message;
}

TEST_F(HttpIntegration, ServerThatNeverAnswersTimesOut) {
  HttpRequest request = Get("/hang");
  request.total_timeout = 500ms;
  const auto start = Clock::now();
  auto result = client_->Send(request);
  const auto took = Clock::now() - start;
  ASSERT_FALSE(result.Ok());
  EXPECT_EQ(result.Err().kind, ErrorKind::kTimeout) << result.Err().message;
  EXPECT_GE(took, 450ms);  // it waited for the timeout, it did not fail for another reason
}

TEST_F(HttpIntegration, OversizedBodyStopsAtTheCap) {
  HttpRequest request = Get("/big?size=1000");
  request.max_response_bytes = 1000;
  auto exact = client_->Send(request);
  ASSERT_TRUE(exact.Ok()) << exact.Err().message;
  EXPECT_EQ(exact.Value().body.size(), 1000U);

  for (const char* path : {"/big?size=1001", "/big-chunked?size=5000000"}) {
    request.url = server_->Url(path);
    auto result = client_->Send(request);
    ASSERT_FALSE(result.Ok()) << path;
    EXPECT_EQ(result.Err().kind, ErrorKind::kTooLarge) << result.Err().message;
  }
  // kTooLarge is final: the retry decorator sends once.
  RetryHttpClient retrying = FastRetries();
  auto retried = retrying.Send(request);
  ASSERT_FALSE(retried.Ok());
  EXPECT_EQ(retried.Err().kind, ErrorKind::kTooLarge);
}

TEST_F(HttpIntegration, OversizedHeadersAreRefused) {
  auto result = client_->Send(Get("/many-headers?count=100"));
  ASSERT_FALSE(result.Ok());
  EXPECT_EQ(result.Err().kind, ErrorKind::kTooLarge) << result.Err().message;
  auto fine = client_->Send(Get("/many-headers?count=10"));
  ASSERT_TRUE(fine.Ok()) << fine.Err().message;
  EXPECT_NE(fine.Value().Header("x-filler-9"), nullptr);
}

TEST_F(HttpIntegration, NeverEndingSlowBodyEndsByTheDeadline) {
  HttpRequest by_timeout = Get("/slow");
  by_timeout.total_timeout = 700ms;
  auto timed_out = client_->Send(by_timeout);
  ASSERT_FALSE(timed_out.Ok());
  EXPECT_EQ(timed_out.Err().kind, ErrorKind::kTimeout) << timed_out.Err().message;

  HttpRequest by_deadline = Get("/slow");
  by_deadline.total_timeout = 60s;
  by_deadline.deadline = Clock::now() + 700ms;
  RetryHttpClient retrying = FastRetries();
  auto result = retrying.Send(by_deadline);
  ASSERT_FALSE(result.Ok());
  EXPECT_EQ(result.Err().kind, ErrorKind::kTimeout) << result.Err().message;
  // curl's own timer may fire a few milliseconds before ours: ended by the deadline, not early.
  EXPECT_GE(Clock::now() + 100ms, by_deadline.deadline);
  EXPECT_NE(result.Err().message.find("deadline"), std::string::npos) << result.Err().message;
}

TEST_F(HttpIntegration, TruncatedBodyIsAnError) {
  auto result = client_->Send(Get("/truncated"));
  ASSERT_FALSE(result.Ok());
  EXPECT_EQ(result.Err().kind, ErrorKind::kUnavailable) << result.Err().message;
  EXPECT_NE(result.Err().message.find("truncated"), std::string::npos) << result.Err().message;
}

TEST_F(HttpIntegration, ProxyNoneIgnoresTheEnvironmentProxy) {
  const std::string dead_proxy =
      "http://127.0.0.1:" + std::to_string(testing::ClosedLoopbackPort());
  ScopedEnv http_proxy("http_proxy", dead_proxy.c_str());
  ScopedEnv no_proxy("no_proxy", nullptr);
  ScopedEnv no_proxy_upper("NO_PROXY", nullptr);

  HttpRequest request = Get("/ok");
  request.proxy = HttpProxy::FromEnvironment();
  auto via_env = client_->Send(request);
  ASSERT_FALSE(via_env.Ok()) << "the environment proxy was not used, so this test proves nothing";
  EXPECT_EQ(via_env.Err().kind, ErrorKind::kUnavailable);

  request.proxy = HttpProxy::None();
  auto direct = client_->Send(request);
  ASSERT_TRUE(direct.Ok()) << direct.Err().message;
  EXPECT_EQ(direct.Value().body, "hello");
}

TEST_F(HttpIntegration, ExplicitProxyCarriesTheRequest) {
  // The test server acts as the proxy: the request line carries the absolute URL, and no name
  // is resolved (".invalid" never resolves, RFC 6761).
  HttpRequest request = Get("/ok");
  request.url = "http://mde-preflight.invalid/ok";
  request.proxy = HttpProxy::Url(server_->Url(""));
  auto result = client_->Send(request);
  ASSERT_TRUE(result.Ok()) << result.Err().message;
  ASSERT_NE(result.Value().Header("x-request-target"), nullptr);
  EXPECT_EQ(*result.Value().Header("x-request-target"), "http://mde-preflight.invalid/ok");
}

TEST_F(HttpIntegration, RedirectsAreReturnedNotFollowed) {
  auto result = client_->Send(Get("/redirect"));
  ASSERT_TRUE(result.Ok()) << result.Err().message;
  EXPECT_EQ(result.Value().status, 302);
  ASSERT_NE(result.Value().Header("location"), nullptr);
  EXPECT_EQ(result.Value().body, "");
}

TEST_F(HttpIntegration, StatusesAreResponsesNotErrors) {
  for (const int code : {204, 400, 401, 404, 500}) {
    auto result = client_->Send(Get("/status?code=" + std::to_string(code)));
    ASSERT_TRUE(result.Ok()) << result.Err().message;
    EXPECT_EQ(result.Value().status, code);
  }
}

TEST_F(HttpIntegration, BadRequestsAreInvalidWithoutTouchingTheNetwork) {
  std::vector<HttpRequest> bad(5, Get("/ok"));
  bad[0].url = "ftp://127.0.0.1/x";
  bad[1].url = "not a url";
  bad[2].headers = {{"X-Injected", "a\r\nHost: evil"}};
  bad[3].method = "GET /other";
  bad[4].headers = {{"Bad Name", "v"}};
  for (const HttpRequest& request : bad) {
    auto result = client_->Send(request);
    ASSERT_FALSE(result.Ok()) << request.url;
    EXPECT_EQ(result.Err().kind, ErrorKind::kInvalid) << result.Err().message;
  }
  HttpRequest late = Get("/ok");
  late.deadline = Clock::now() - 1ms;
  auto result = client_->Send(late);
  ASSERT_FALSE(result.Ok());
  EXPECT_EQ(result.Err().kind, ErrorKind::kTimeout);
}

TEST_F(HttpIntegration, ConcurrentSendsShareNothing) {
  constexpr int kThreads = 4;
  std::vector<int> ok(kThreads, 0);
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([this, t, &ok] {
      for (int i = 0; i < 5; ++i) {
        auto result = client_->Send(Get("/ok"));
        if (result.Ok() && result.Value().body == "hello") ++ok[t];
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(ok[t], 5) << "thread " << t;
}

}  // namespace
}  // namespace preflight

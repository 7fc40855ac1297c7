#include "platform/retry_http_client.h"

#include "tests/fakes/fake_http_client.h"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <climits>
#include <deque>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace preflight {
namespace {

using namespace std::chrono_literals;
using std::chrono::milliseconds;

HttpResponse Response(int status, HttpHeaders headers = {}, std::string body = {}) {
  HttpResponse r;
  r.status = status;
  r.headers = std::move(headers);
  r.body = std::move(body);
  return r;
}

// A clock that only moves when the decorator sleeps, and a pinned jitter.
struct FakeTime {
  std::chrono::steady_clock::time_point steady = std::chrono::steady_clock::time_point{} + 1h;
  std::chrono::system_clock::time_point wall =
      std::chrono::sys_days{std::chrono::year{2024} / 3 / 10} + 12h;
  std::vector<milliseconds> sleeps;
  double random = 0.5;  // jitter factor 0.8 + 0.5 * 0.5 = 1.05

  RetryHooks Hooks() {
    return RetryHooks{[this](milliseconds d) {
                        sleeps.push_back(d);
                        steady += d;
                        wall += d;
                      },
                      [this] { return steady; }, [this] { return wall; },
                      [this] { return random; }};
  }
};

struct Harness {
  explicit Harness(std::vector<Result<HttpResponse>> answers, RetryOptions options = {})
      : script(std::move(answers)) {
    auto fake = std::make_unique<testing::FakeHttpClient>();
    inner = fake.get();
    client = std::make_unique<RetryHttpClient>(std::move(fake), std::move(options), time.Hooks());
  }
  Result<HttpResponse> Send(HttpRequest request = {}) {
    if (request.url.empty()) request.url = "https://management.azure.com/subscriptions/s";
    inner->Expect(request.method, request.url, script);
    return client->Send(request);
  }
  std::size_t Sent() const { return inner->requests().size(); }

  std::vector<Result<HttpResponse>> script;
  FakeTime time;
  testing::FakeHttpClient* inner = nullptr;
  std::unique_ptr<RetryHttpClient> client;
};

TEST(RetryHttpClient, RetriesFlappingServerWithPinnedExponentialBackoff) {
  Harness h({Response(503), Response(503), Response(200, {}, "ok")});
  auto result = h.Send();
  ASSERT_TRUE(result.Ok());
  EXPECT_EQ(result.Value().status, 200);
  EXPECT_EQ(result.Value().body, "ok");
  EXPECT_EQ(result.Value().attempts, 3);
  EXPECT_EQ(h.Sent(), 3U);
  // 800 ms * 2^(n-1) * 1.05.
  EXPECT_EQ(h.time.sleeps, (std::vector<milliseconds>{840ms, 1680ms}));
  ASSERT_EQ(result.Value().notes.size(), 2U);
  EXPECT_NE(result.Value().notes[0].find("HTTP 503"), std::string::npos);
}

TEST(RetryHttpClient, EveryRetryableStatusIsRetried) {
  for (const int status : {408, 429, 500, 502, 503, 504}) {
    Harness h({Response(status), Response(200)});
    auto result = h.Send();
    ASSERT_TRUE(result.Ok());
    EXPECT_EQ(result.Value().status, 200) << status;
    EXPECT_EQ(h.Sent(), 2U) << status;
  }
}

TEST(RetryHttpClient, OtherStatusesAreReturnedAtOnce) {
  for (const int status : {200, 201, 204, 301, 400, 401, 403, 404, 409, 410, 501, 505}) {
    Harness h({Response(status, {{"Retry-After", "1"}}), Response(200)});
    auto result = h.Send();
    ASSERT_TRUE(result.Ok());
    EXPECT_EQ(result.Value().status, status);
    EXPECT_EQ(result.Value().attempts, 1);
    EXPECT_TRUE(result.Value().notes.empty());
    EXPECT_EQ(h.Sent(), 1U) << status;
    EXPECT_TRUE(h.time.sleeps.empty()) << status;
  }
}

TEST(RetryHttpClient, CallerCanWidenTheStatusSet) {
  RetryOptions options;
  options.retry_statuses = {404, 410};  // e.g. the IMDS token guidance (reference/azure.md §1.9)
  Harness h({Response(410), Response(404), Response(503)}, options);
  auto result = h.Send();
  ASSERT_TRUE(result.Ok());
  EXPECT_EQ(result.Value().status, 503);
  EXPECT_EQ(h.Sent(), 3U);
}

TEST(RetryHttpClient, TransportErrorsRetriedOnlyWhenTransient) {
  for (const ErrorKind kind : {ErrorKind::kUnavailable, ErrorKind::kTimeout}) {
    Harness h({MakeError(kind, "GET https://x/: boom"), Response(200)});
    auto result = h.Send();
    ASSERT_TRUE(result.Ok());
    EXPECT_EQ(result.Value().attempts, 2);
  }
  for (const ErrorKind kind : {ErrorKind::kTooLarge, ErrorKind::kInvalid, ErrorKind::kOther,
                               ErrorKind::kPermission, ErrorKind::kNotFound}) {
    Harness h({MakeError(kind, "GET https://x/: boom"), Response(200)});
    auto result = h.Send();
    ASSERT_FALSE(result.Ok());
    EXPECT_EQ(result.Err().kind, kind);
    EXPECT_EQ(result.Err().message, "GET https://x/: boom");
    EXPECT_EQ(h.Sent(), 1U);
  }
}

TEST(RetryHttpClient, ServerDelayReplacesBackoffExactly) {
  const struct {
    HttpHeaders headers;
    milliseconds expected;
  } cases[] = {
      {{{"Retry-After", "2"}}, 2000ms},
      {{{"retry-after-ms", "250"}}, 250ms},
      {{{"x-ms-retry-after-ms", "70"}}, 70ms},
      {{{"Retry-After", "120"}}, 120s},  // above max_delay: the server's word still wins
      {{{"Retry-After", "Sun, 10 Mar 2024 12:00:03 GMT"}}, 3s},
      {{{"Retry-After", "garbage"}}, 840ms},  // unparseable: the computed backoff
  };
  for (const auto& c : cases) {
    Harness h({Response(429, c.headers), Response(200)});
    auto result = h.Send();
    ASSERT_TRUE(result.Ok());
    EXPECT_EQ(h.time.sleeps, std::vector<milliseconds>{c.expected}) << c.headers[0].second;
  }
}

TEST(RetryHttpClient, ZeroRetryAfterRetriesWithoutSleepingAndStillStops) {
  Harness h({Response(429, {{"Retry-After", "0"}})});
  auto result = h.Send();
  ASSERT_TRUE(result.Ok());
  EXPECT_EQ(result.Value().status, 429);
  EXPECT_EQ(result.Value().attempts, 4);
  EXPECT_TRUE(h.time.sleeps.empty());
}

TEST(RetryHttpClient, GivesUpAfterMaxAttemptsWithANote) {
  Harness h({Response(503)});
  auto result = h.Send();
  ASSERT_TRUE(result.Ok());
  EXPECT_EQ(result.Value().status, 503);
  EXPECT_EQ(result.Value().attempts, 4);
  EXPECT_EQ(h.time.sleeps, (std::vector<milliseconds>{840ms, 1680ms, 3360ms}));
  ASSERT_FALSE(result.Value().notes.empty());
  EXPECT_NE(result.Value().notes.back().find("gave up after 4 attempts"), std::string::npos);

  RetryOptions two;
  two.max_attempts = 2;
  Harness e({MakeError(ErrorKind::kUnavailable, "GET https://x/: connection refused")}, two);
  auto error = e.Send();
  ASSERT_FALSE(error.Ok());
  EXPECT_EQ(error.Err().kind, ErrorKind::kUnavailable);
  EXPECT_NE(error.Err().message.find("connection refused"), std::string::npos);
  EXPECT_NE(error.Err().message.find("gave up after 2 attempts"), std::string::npos);
  EXPECT_EQ(e.Sent(), 2U);
}

TEST(RetryHttpClient, NoRetryRequestIsSentOnce) {
  Harness h({Response(503), Response(200)});
  HttpRequest probe;
  probe.url = "http://169.254.169.254/metadata/instance";
  probe.allow_retry = false;
  auto result = h.Send(probe);
  ASSERT_TRUE(result.Ok());
  EXPECT_EQ(result.Value().status, 503);
  EXPECT_EQ(result.Value().attempts, 1);
  EXPECT_TRUE(result.Value().notes.empty());
  EXPECT_EQ(h.Sent(), 1U);
}

TEST(RetryHttpClient, StopsWhenTheNextWaitWouldPassTheDeadline) {
  FakeTime clock;
  RetryOptions options;
  options.deadline = clock.steady + 1500ms;
  Harness h({Response(429, {{"Retry-After", "2"}}), Response(200)}, options);
  auto result = h.Send();
  ASSERT_TRUE(result.Ok());
  EXPECT_EQ(result.Value().status, 429);
  EXPECT_EQ(result.Value().attempts, 1);
  EXPECT_TRUE(h.time.sleeps.empty());
  ASSERT_EQ(result.Value().notes.size(), 1U);
  EXPECT_NE(result.Value().notes[0].find("deadline"), std::string::npos);

  // Backoff 840 ms fits, the next 1680 ms does not.
  Harness e({MakeError(ErrorKind::kTimeout, "GET https://x/: timed out")}, options);
  auto error = e.Send();
  ASSERT_FALSE(error.Ok());
  EXPECT_EQ(error.Err().kind, ErrorKind::kTimeout);
  EXPECT_NE(error.Err().message.find("deadline"), std::string::npos);
  EXPECT_EQ(e.time.sleeps, std::vector<milliseconds>{840ms});
}

TEST(RetryHttpClient, TheEarlierDeadlineReachesTheTransport) {
  FakeTime clock;
  RetryOptions options;
  options.deadline = clock.steady + 10s;
  Harness h({Response(200)}, options);
  HttpRequest request;
  request.url = "https://management.azure.com/";
  request.headers = {{"Accept", "application/json"}};
  request.deadline = clock.steady + 3s;
  ASSERT_TRUE(h.Send(request).Ok());
  ASSERT_EQ(h.Sent(), 1U);
  EXPECT_EQ(h.inner->requests()[0].deadline, clock.steady + 3s);
  EXPECT_EQ(h.inner->requests()[0].headers, request.headers);

  Harness later({Response(200)}, options);
  request.deadline = clock.steady + 30s;
  ASSERT_TRUE(later.Send(request).Ok());
  EXPECT_EQ(later.inner->requests()[0].deadline, clock.steady + 10s);
}

TEST(RetryHttpClient, BackoffIsCappedJitteredAndOverflowSafe) {
  Harness h({Response(200)});
  h.time.random = 0.0;
  EXPECT_EQ(h.client->BackoffDelay(1), 640ms);
  EXPECT_EQ(h.client->BackoffDelay(2), 1280ms);
  EXPECT_EQ(h.client->BackoffDelay(0), 640ms);
  EXPECT_EQ(h.client->BackoffDelay(-5), 640ms);
  h.time.random = 0.999;
  EXPECT_EQ(h.client->BackoffDelay(1), 1039ms);
  EXPECT_EQ(h.client->BackoffDelay(7), 60s);  // 51.2 s * 1.2995 > 60 s
  EXPECT_EQ(h.client->BackoffDelay(INT_MAX), 60s);
  h.time.random = 7.0;  // a broken random source is clamped to [0, 1]
  EXPECT_EQ(h.client->BackoffDelay(1), 1040ms);
}

TEST(RetryHttpClient, UnpinnedJitterStaysInTheAzureSdkRange) {
  RetryHttpClient client(std::make_unique<testing::FakeHttpClient>(), RetryOptions{});
  for (int i = 0; i < 200; ++i) {
    const milliseconds d = client.BackoffDelay(1);
    EXPECT_GE(d, 640ms);
    EXPECT_LT(d, 1040ms);
  }
}

TEST(RetryHttpClient, LogsRequestIdsButNeverSecrets) {
  std::ostringstream captured;
  auto logger = std::make_shared<spdlog::logger>(
      "capture", std::make_shared<spdlog::sinks::ostream_sink_mt>(captured));
  logger->set_level(spdlog::level::trace);
  const auto previous = spdlog::default_logger();
  spdlog::set_default_logger(logger);

  Harness h({Response(503, {{"x-ms-request-id", "req-1234"}}, "RESPONSE-SECRET"),
             MakeError(ErrorKind::kUnavailable, "POST https://login.example/token: reset"),
             Response(503, {}, "RESPONSE-SECRET")});
  HttpRequest request;
  request.method = "POST";
  request.url = "https://login.example/token?sig=QUERY-SECRET";
  request.headers = {{"Authorization", "Bearer TOKEN-SECRET"},
                     {"x-ms-client-request-id", "client-5678"}};
  request.body = "client_secret=BODY-SECRET";
  auto result = h.Send(request);
  spdlog::set_default_logger(previous);

  ASSERT_TRUE(result.Ok());
  const std::string log = captured.str();
  EXPECT_NE(log.find("req-1234"), std::string::npos) << log;
  EXPECT_NE(log.find("client-5678"), std::string::npos) << log;
  EXPECT_NE(log.find("https://login.example/token"), std::string::npos) << log;
  std::string everything = log;
  for (const std::string& note : result.Value().notes) everything += note;
  for (const char* secret : {"TOKEN-SECRET", "BODY-SECRET", "RESPONSE-SECRET", "QUERY-SECRET"}) {
    EXPECT_EQ(everything.find(secret), std::string::npos) << secret << " in: " << everything;
  }
}

}  // namespace
}  // namespace preflight

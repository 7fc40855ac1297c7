#include "platform/http_request_rules.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

namespace preflight {
namespace {

using namespace std::chrono_literals;
using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

const Clock::time_point kNow = Clock::time_point() + 1000h;

HttpRequest Get(std::string url) {
  HttpRequest request;
  request.url = std::move(url);
  return request;
}

HttpRequest WithHeader(std::string url, std::string name, std::string value) {
  HttpRequest request = Get(std::move(url));
  request.headers.emplace_back(std::move(name), std::move(value));
  return request;
}

HttpRequest WithMethod(std::string method) {
  HttpRequest request = Get("https://management.azure.com/x");
  request.method = std::move(method);
  return request;
}

HttpRequest WithTotal(milliseconds total) {
  HttpRequest request = Get("https://management.azure.com/x");
  request.total_timeout = total;
  return request;
}

struct RuleCase {
  const char* name;
  HttpRequest request;
  bool ok;
  ErrorKind kind = ErrorKind::kOther;  // when !ok
  const char* says = "";               // when !ok: part of the message
};

TEST(CheckHttpRequest, Table) {
  const std::string api = "https://management.azure.com/subscriptions?api-version=2022-12-01";
  const RuleCase cases[] = {
      {"plain GET", Get(api), true},
      {"http to IMDS", WithHeader("http://169.254.169.254/metadata", "Metadata", "true"), true},
      {"POST with a body", WithMethod("POST"), true},
      {"extension method", WithMethod("PROPFIND"), true},
      {"ftp", Get("ftp://127.0.0.1/x"), false, ErrorKind::kInvalid, "not a valid http(s) URL"},
      {"no URL", Get("not a url"), false, ErrorKind::kInvalid, "not a valid http(s) URL"},
      {"user-info", Get("https://127.0.0.1@evil.example/"), false, ErrorKind::kInvalid, "URL"},
      {"empty", Get(""), false, ErrorKind::kInvalid, "URL"},
      {"method with a space", WithMethod("GET /other"), false, ErrorKind::kInvalid,
       "invalid method"},
      {"empty method", WithMethod(""), false, ErrorKind::kInvalid, "invalid method"},
      {"method with CRLF", WithMethod("GET\r\nX: y"), false, ErrorKind::kInvalid, "invalid method"},
      {"CRLF in a value", WithHeader(api, "X-Injected", "a\r\nHost: injected.example"), false,
       ErrorKind::kInvalid, "invalid header"},
      {"LF in a value", WithHeader(api, "X-Injected", "a\nb"), false, ErrorKind::kInvalid,
       "invalid header"},
      {"NUL in a value", WithHeader(api, "X-Injected", std::string("a\0b", 3)), false,
       ErrorKind::kInvalid, "invalid header"},
      {"space in a name", WithHeader(api, "Bad Name", "v"), false, ErrorKind::kInvalid,
       "invalid header"},
      {"colon in a name", WithHeader(api, "X:Y", "v"), false, ErrorKind::kInvalid,
       "invalid header"},
      {"empty name", WithHeader(api, "", "v"), false, ErrorKind::kInvalid, "invalid header"},
      {"empty value", WithHeader(api, "X-Empty", ""), true},
      {"bearer over TLS", WithHeader(api, "Authorization", "Bearer t0ken"), true},
      {"bearer to loopback", WithHeader("http://127.0.0.1:8080/x", "Authorization", "Bearer t"),
       true},
      {"bearer over plain HTTP",
       WithHeader("http://management.azure.com/", "Authorization", "Bearer t0ken"), false,
       ErrorKind::kInvalid, "bearer token"},
      {"bearer any case", WithHeader("http://169.254.169.254/", "AUTHORIZATION", " bEaReR t"),
       false, ErrorKind::kInvalid, "bearer token"},
      {"basic over plain HTTP", WithHeader("http://10.0.0.1/", "Authorization", "Basic a2V5"),
       true},
      {"zero total timeout", WithTotal(0ms), false, ErrorKind::kInvalid, "timeout"},
      {"negative total timeout", WithTotal(-5ms), false, ErrorKind::kInvalid, "timeout"},
  };
  for (const RuleCase& c : cases) {
    const auto checked = CheckHttpRequest(c.request, kNow);
    ASSERT_EQ(checked.Ok(), c.ok) << c.name << ": " << (checked.Ok() ? "" : checked.Err().message);
    if (c.ok) continue;
    EXPECT_EQ(checked.Err().kind, c.kind) << c.name;
    EXPECT_NE(checked.Err().message.find(c.says), std::string::npos)
        << c.name << ": " << checked.Err().message;
    // No secret or header value ever reaches the message.
    EXPECT_EQ(checked.Err().message.find("t0ken"), std::string::npos) << c.name;
    EXPECT_EQ(checked.Err().message.find("injected"), std::string::npos) << c.name;
  }
}

struct TimeCase {
  const char* name;
  milliseconds total_timeout;
  milliseconds connect_timeout;
  Clock::duration deadline_in;  // Clock::duration::max(): no deadline
  milliseconds total;
  milliseconds connect;
  Clock::duration end_in;
};

TEST(CheckHttpRequest, ClipsTimeoutsToTheDeadline) {
  constexpr auto kNoDeadline = Clock::duration::max();
  const TimeCase cases[] = {
      {"no deadline", 30s, 10s, kNoDeadline, 30s, 10s, 30s},
      {"connect over total", 2s, 10s, kNoDeadline, 2s, 2s, 2s},
      {"connect unset", 5s, 0ms, kNoDeadline, 5s, 5s, 5s},
      {"deadline first", 30s, 10s, 4s, 4s, 4s, 4s},
      {"deadline after total", 3s, 1s, 60s, 3s, 1s, 3s},
      // A partial millisecond rounds up, so a deadline just ahead still gets 1 ms, never 0 ("no
      // limit" to curl and WinHTTP); the exchange still ends at the exact deadline.
      {"deadline in 1 us", 30s, 10s, 1us, 1ms, 1ms, 1us},
  };
  for (const TimeCase& c : cases) {
    HttpRequest request = Get("https://management.azure.com/");
    request.total_timeout = c.total_timeout;
    request.connect_timeout = c.connect_timeout;
    if (c.deadline_in != kNoDeadline) request.deadline = kNow + c.deadline_in;
    const auto checked = CheckHttpRequest(request, kNow);
    ASSERT_TRUE(checked.Ok()) << c.name << ": " << checked.Err().message;
    EXPECT_EQ(checked.Value().total, c.total) << c.name;
    EXPECT_EQ(checked.Value().connect, c.connect) << c.name;
    EXPECT_EQ(checked.Value().end, kNow + c.end_in) << c.name;
  }
}

TEST(CheckHttpRequest, APassedDeadlineIsATimeout) {
  for (const Clock::duration before : {Clock::duration(0), Clock::duration(1ms)}) {
    HttpRequest request = Get("https://management.azure.com/");
    request.deadline = kNow - before;
    const auto checked = CheckHttpRequest(request, kNow);
    ASSERT_FALSE(checked.Ok());
    EXPECT_EQ(checked.Err().kind, ErrorKind::kTimeout);
    EXPECT_NE(checked.Err().message.find("deadline"), std::string::npos);
  }
}

TEST(CheckHttpRequest, KeepsTheParsedUrl) {
  const auto checked = CheckHttpRequest(Get("https://Example.COM:8443/a/b?x=1#f"), kNow);
  ASSERT_TRUE(checked.Ok());
  EXPECT_EQ(checked.Value().url.host, "example.com");
  EXPECT_EQ(checked.Value().url.port, 8443);
  EXPECT_EQ(checked.Value().url.path, "/a/b");
  EXPECT_EQ(checked.Value().url.query, "x=1");
  EXPECT_EQ(checked.Value().where, "GET https://Example.COM:8443/a/b");
}

TEST(HttpErrorPrefix, RedactsAndMakesPrintable) {
  HttpRequest request = Get("https://user:secret@host/p?sig=s3cret#frag");
  EXPECT_EQ(HttpErrorPrefix(request), "GET https://host/p");
  request.method = "GE\r\nT";
  request.url = "https://host/a\tb";
  EXPECT_EQ(HttpErrorPrefix(request), "GE??T https://host/a?b");
  EXPECT_EQ(HttpError("GET https://h/", ErrorKind::kTimeout, "timed out").message,
            "GET https://h/: timed out");
}

TEST(IsHttpToken, Table) {
  for (const char* token : {"GET", "PATCH", "X-Ms-Client-Request-Id", "a!#$%&'*+-.^_`|~9"}) {
    EXPECT_TRUE(IsHttpToken(token)) << token;
  }
  for (const std::string& bad :
       {std::string(), std::string("A B"), std::string("A:B"), std::string("A\tB"),
        std::string("A\r\n"), std::string("(x)"), std::string("a\"b"), std::string("\xc3\xa9"),
        std::string("a\0b", 3)}) {
    EXPECT_FALSE(IsHttpToken(bad)) << bad;
  }
}

TEST(IsSafeHeaderValue, Table) {
  for (const std::string& value : {std::string(), std::string("a b\tc"),
                                   std::string("Bearer eyJ0.x-y_z"), std::string("\xc3\xa9")}) {
    EXPECT_TRUE(IsSafeHeaderValue(value)) << value;
  }
  for (const std::string& bad :
       {std::string("a\rb"), std::string("a\nb"), std::string("\r\n"), std::string("a\0b", 3)}) {
    EXPECT_FALSE(IsSafeHeaderValue(bad));
  }
}

TEST(CarriesBearerToken, Table) {
  const struct {
    HttpHeaders headers;
    bool bearer;
  } cases[] = {
      {{}, false},
      {{{"Authorization", "Bearer x"}}, true},
      {{{"authorization", "bearer x"}}, true},
      {{{"X-Other", "1"}, {"Authorization", "  Bearer x"}}, true},
      {{{"Authorization", "Basic a2V5"}}, false},
      {{{"X-Authorization", "Bearer x"}}, false},
      {{{"Authorization", "Bearerx"}}, false},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(CarriesBearerToken(c.headers), c.bearer)
        << (c.headers.empty() ? "" : c.headers.back().second);
  }
}

TEST(TransportWording, NamesTheLimit) {
  EXPECT_EQ(BodyTooLargeText(1024),
            "response body is larger than the 1024-byte limit; stopped reading there");
  EXPECT_EQ(HeadersTooLargeText(), "response headers exceed 65536 bytes");
  EXPECT_EQ(TruncatedBodyText("3 of 10 bytes"), "response body truncated (3 of 10 bytes)");
}

}  // namespace
}  // namespace preflight

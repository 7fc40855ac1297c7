#include "platform/http_parsers.h"

#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>

namespace preflight {
namespace {

using namespace std::chrono_literals;
using std::chrono::milliseconds;

// 2024-03-10 (a Sunday) 12:00:00 UTC.
const std::chrono::system_clock::time_point kNow =
    std::chrono::sys_days{std::chrono::year{2024} / 3 / 10} + 12h;

TEST(FindHeader, IsCaseInsensitiveAndReturnsTheFirst) {
  const HttpHeaders headers = {
      {"Content-Type", "a"}, {"X-Ms-Request-Id", "b"}, {"x-ms-request-id", "c"}};
  ASSERT_NE(FindHeader(headers, "x-ms-request-id"), nullptr);
  EXPECT_EQ(*FindHeader(headers, "X-MS-REQUEST-ID"), "b");
  EXPECT_EQ(FindHeader(headers, "content-typ"), nullptr);
  HttpResponse response;
  response.headers = headers;
  EXPECT_EQ(*response.Header("content-type"), "a");
}

struct RetryAfterCase {
  HttpHeaders headers;
  std::optional<milliseconds> expected;
};

TEST(ParseRetryAfter, Table) {
  const RetryAfterCase cases[] = {
      {{}, std::nullopt},
      {{{"Retry-After", "1"}}, 1000ms},
      {{{"retry-after", "  120 "}}, 120s},
      {{{"RETRY-AFTER", "0"}}, 0ms},
      {{{"Retry-After", "1.5"}}, 1500ms},  // azure-core (Python) accepts decimal seconds
      {{{"Retry-After", "0.0004"}}, 0ms},
      {{{"Retry-After", "-5"}}, 0ms},
      {{{"Retry-After", "99999999999999999999999999999"}}, kMaxRetryAfter},
      {{{"Retry-After", "3601"}}, kMaxRetryAfter},
      {{{"Retry-After", "3600"}}, kMaxRetryAfter},
      {{{"Retry-After", "3599"}}, 3599s},
      {{{"Retry-After", ""}}, std::nullopt},
      {{{"Retry-After", "abc"}}, std::nullopt},
      {{{"Retry-After", "1e3"}}, std::nullopt},
      {{{"Retry-After", "1."}}, std::nullopt},
      {{{"Retry-After", "+1"}}, std::nullopt},
      {{{"Retry-After", "-"}}, std::nullopt},
      {{{"Retry-After", "1 2"}}, std::nullopt},
      {{{"Retry-After", std::string("1\0", 2)}}, std::nullopt},
      {{{"retry-after-ms", "250"}}, 250ms},
      {{{"x-ms-retry-after-ms", "1500"}}, 1500ms},
      {{{"x-ms-retry-after-ms", "1500.9"}}, 1500ms},
      {{{"retry-after-ms", "-1"}}, 0ms},
      {{{"retry-after-ms", "18446744073709551617"}}, kMaxRetryAfter},
      // Order: retry-after-ms, x-ms-retry-after-ms, Retry-After (Azure SDK for C++).
      {{{"Retry-After", "10"}, {"x-ms-retry-after-ms", "300"}, {"retry-after-ms", "250"}}, 250ms},
      {{{"Retry-After", "10"}, {"x-ms-retry-after-ms", "300"}}, 300ms},
      // A header that does not parse is skipped, not fatal.
      {{{"retry-after-ms", "soon"}, {"Retry-After", "2"}}, 2s},
      {{{"retry-after-ms", "soon"}, {"Retry-After", "later"}}, std::nullopt},
      // HTTP-date forms, relative to kNow.
      {{{"Retry-After", "Sun, 10 Mar 2024 12:00:30 GMT"}}, 30s},
      {{{"Retry-After", "Sunday, 10-Mar-24 12:01:00 GMT"}}, 60s},
      {{{"Retry-After", "Sun Mar 10 12:00:05 2024"}}, 5s},
      {{{"Retry-After", "Sun, 10 Mar 2024 11:00:00 GMT"}}, 0ms},
      {{{"Retry-After", "Fri, 31 Dec 9999 23:59:59 GMT"}}, kMaxRetryAfter},
      {{{"Retry-After", "Mon, 01 Jan 0001 00:00:00 GMT"}}, 0ms},
      {{{"Retry-After", "Sat, 31 Feb 2024 00:00:00 GMT"}}, std::nullopt},
  };
  for (const RetryAfterCase& c : cases) {
    const std::string label = c.headers.empty() ? "(none)" : c.headers.front().second;
    EXPECT_EQ(ParseRetryAfter(c.headers, kNow), c.expected) << label;
  }
}

TEST(ParseRetryAfter, DateDeltaKeepsSubSecondPrecisionOfNow) {
  const HttpHeaders headers = {{"Retry-After", "Sun, 10 Mar 2024 12:00:02 GMT"}};
  EXPECT_EQ(ParseRetryAfter(headers, kNow + 250ms), 1750ms);
}

TEST(ParseHttpDate, AllThreeRfc9110FormsMeanTheSameInstant) {
  constexpr std::int64_t kRfcExample = 784111777;  // RFC 9110 §5.6.7's example instant
  for (const char* text : {"Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT",
                           "Sun Nov  6 08:49:37 1994", "sun, 06 nov 1994 08:49:37 gmt",
                           "  Sun, 06 Nov 1994 08:49:37 GMT  ", "Sun Nov 6 08:49:37 1994",
                           "Sunday, 06-Nov-1994 08:49:37 GMT"}) {
    const auto parsed = ParseHttpDate(text, kNow);
    ASSERT_TRUE(parsed.has_value()) << text;
    EXPECT_EQ(parsed->time_since_epoch().count(), kRfcExample) << text;
  }
}

TEST(ParseHttpDate, TwoDigitYearsMoreThanFiftyYearsAheadAreInThePast) {
  using std::chrono::sys_days;
  using std::chrono::year;
  EXPECT_EQ(ParseHttpDate("Sunday, 01-Jan-30 00:00:00 GMT", kNow), sys_days{year{2030} / 1 / 1});
  EXPECT_EQ(ParseHttpDate("Sunday, 01-Jan-74 00:00:00 GMT", kNow), sys_days{year{2074} / 1 / 1});
  EXPECT_EQ(ParseHttpDate("Sunday, 01-Jan-75 00:00:00 GMT", kNow), sys_days{year{1975} / 1 / 1});
}

TEST(ParseHttpDate, RejectsMalformedDates) {
  for (const char* text : {"",
                           "Sun",
                           "Sun,",
                           "Sun, 06 Nov 1994 08:49:37",
                           "Sun, 06 Nov 1994 08:49:37 PST",
                           "Sun, 06 Nov 1994 24:00:00 GMT",
                           "Sun, 06 Nov 1994 08:60:00 GMT",
                           "Sun, 06 Nov 1994 08:49:61 GMT",
                           "Sun, 06 Nov 94 08:49:37 GMT",
                           "Xyz, 06 Nov 1994 08:49:37 GMT",
                           "Sun, 06 Foo 1994 08:49:37 GMT",
                           "Sun, 00 Nov 1994 08:49:37 GMT",
                           "Sun, 32 Nov 1994 08:49:37 GMT",
                           "Wed, 29 Feb 2023 00:00:00 GMT",
                           "Sun, 06 Nov 1994 08:49:37 GMT junk",
                           "Sun, 06 Nov 1994 8:49:37 GMT",
                           "Sun Nov  6 08:49:37 94",
                           "Sun Nov 6 08:49:37",
                           "Sunday 06-Nov-94 08:49:37 GMT",
                           "1994-11-06T08:49:37Z"}) {
    EXPECT_FALSE(ParseHttpDate(text, kNow).has_value()) << text;
  }
  EXPECT_TRUE(ParseHttpDate("Thu, 29 Feb 2024 00:00:00 GMT", kNow).has_value());
  EXPECT_TRUE(ParseHttpDate("Sun, 06 Nov 1994 23:59:60 GMT", kNow).has_value());  // leap second
}

TEST(ParseUrl, AcceptsTheUrlsTheAgentUses) {
  auto arm = ParseUrl("https://Management.Azure.com/subscriptions/x?api-version=2024-01-01#frag");
  ASSERT_TRUE(arm.has_value());
  EXPECT_EQ(arm->scheme, "https");
  EXPECT_EQ(arm->host, "management.azure.com");
  EXPECT_EQ(arm->port, 443);
  EXPECT_EQ(arm->path, "/subscriptions/x");
  EXPECT_EQ(arm->query, "api-version=2024-01-01");
  EXPECT_FALSE(arm->ipv6);

  auto imds = ParseUrl("http://169.254.169.254/metadata/instance?api-version=2021-02-01");
  ASSERT_TRUE(imds.has_value());
  EXPECT_EQ(imds->host, "169.254.169.254");
  EXPECT_EQ(imds->port, 80);
  EXPECT_EQ(imds->path, "/metadata/instance");

  auto himds = ParseUrl("HTTP://LocalHost:40342");
  ASSERT_TRUE(himds.has_value());
  EXPECT_EQ(himds->scheme, "http");
  EXPECT_EQ(himds->host, "localhost");
  EXPECT_EQ(himds->port, 40342);
  EXPECT_EQ(himds->path, "/");

  auto v6 = ParseUrl("http://[::1]:8080?x=1");
  ASSERT_TRUE(v6.has_value());
  EXPECT_TRUE(v6->ipv6);
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 8080);
  EXPECT_EQ(v6->path, "/");
  EXPECT_EQ(v6->query, "x=1");

  auto other = ParseUrl("ftp://example.com/x");
  ASSERT_TRUE(other.has_value());
  EXPECT_EQ(other->port, 0);
}

TEST(ParseUrl, RejectsAmbiguousOrMalformedUrls) {
  for (const char* text : {"",
                           "management.azure.com",
                           "https//x",
                           "https:/x",
                           "https://",
                           "https://:443/",
                           "https://user:pw@host/",
                           "http://127.0.0.1@evil.example/",
                           "https://host:0/",
                           "https://host:65536/",
                           "https://host:/",
                           "https://host:12a/",
                           "https://host:123456/",
                           "http://[::1/",
                           "http://[::1]x/",
                           "http://[zz::1]/",
                           "http://[]/",
                           "http://[::1%25eth0]/",
                           "https://ho st/",
                           "https://host\\@evil/",
                           "https://h\xc3\xa9.example/",
                           "http://a:b:c/",
                           "1http://x/",
                           ":x",
                           "https://host/\x01",
                           "https://host/\x7f",
                           "https://ho%73t/"}) {
    EXPECT_FALSE(ParseUrl(text).has_value()) << text;
  }
}

TEST(IsLoopbackHost, Table) {
  for (const char* host :
       {"localhost", "LOCALHOST", "127.0.0.1", "127.255.255.254", "127.0.0.0", "::1", "[::1]",
        "0:0:0:0:0:0:0:1", "0000::0001", "::ffff:127.0.0.1", "::FFFF:127.1.2.3"}) {
    EXPECT_TRUE(IsLoopbackHost(host)) << host;
  }
  for (const char* host : {"",
                           "127.1",
                           "127.0.0.01",
                           "0127.0.0.1",
                           "127.0.0.256",
                           "127.0.0.1.",
                           "128.0.0.1",
                           "10.0.0.1",
                           "169.254.169.254",
                           "localhost.evil.example",
                           "evil-localhost",
                           "::2",
                           "::",
                           "::ffff:10.0.0.1",
                           "[::1",
                           "1::1",
                           "127.0.0.1.nip.io",
                           "::1::",
                           "0:0:0:0:0:0:0:0:1",
                           "::ffff:127.0.0.1:1"}) {
    EXPECT_FALSE(IsLoopbackHost(host)) << host;
  }
}

TEST(BearerAllowed, OnlyTlsOrLoopback) {
  for (const char* url : {"https://management.azure.com/", "HTTPS://management.usgovcloudapi.net",
                          "http://127.0.0.1:40342/metadata/identity/oauth2/token",
                          "http://localhost:40342/", "http://[::1]:8080/x"}) {
    EXPECT_TRUE(BearerAllowed(url)) << url;
  }
  for (const char* url :
       {"http://management.azure.com/", "http://169.254.169.254/metadata/identity",
        "http://127.0.0.1@evil.example/", "http://localhost.evil.example/", "ftp://127.0.0.1/",
        "file:///etc/passwd", "https://", "garbage", ""}) {
    EXPECT_FALSE(BearerAllowed(url)) << url;
  }
}

TEST(RedactUrl, DropsUserInfoQueryAndFragment) {
  EXPECT_EQ(RedactUrl("https://u:p@host/a/b?sig=secret#x"), "https://host/a/b");
  EXPECT_EQ(RedactUrl("http://h:80/p?x"), "http://h:80/p");
  EXPECT_EQ(RedactUrl("https://host?x=@y"), "https://host");
  EXPECT_EQ(RedactUrl("https://a@b@c/p"), "https://c/p");
  EXPECT_EQ(RedactUrl("noscheme?x"), "noscheme");
  EXPECT_EQ(RedactUrl(""), "");
}

TEST(ParseWwwAuthenticate, ReadsTheRealmPath) {
  const struct {
    const char* header;
    const char* realm;
  } cases[] = {
      {"Basic realm=/var/opt/azcmagent/tokens/0b8f.key", "/var/opt/azcmagent/tokens/0b8f.key"},
      {"  basic   realm = /var/opt/x.key  ", "/var/opt/x.key"},
      {"BASIC\trealm=/x.key", "/x.key"},
      {"Basic realm=C:\\ProgramData\\AzureConnectedMachineAgent\\Tokens\\g.key",
       "C:\\ProgramData\\AzureConnectedMachineAgent\\Tokens\\g.key"},
      {"Basic realm=\"C:\\\\ProgramData\\\\x.key\"", "C:\\ProgramData\\x.key"},
      {"Basic realm=\"/a b/x.key\", charset=\"UTF-8\"", "/a b/x.key"},
      {"Basic realm=/a,b.key", "/a,b.key"},
      {"Basic realm=/x=y.key", "/x=y.key"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(ParseWwwAuthenticate(c.header), std::optional<std::string>(c.realm)) << c.header;
  }
}

TEST(ParseWwwAuthenticate, RejectsOtherSchemesAndGarbage) {
  const std::string too_long = "Basic realm=/" + std::string(5000, 'a') + ".key";
  for (const std::string& header :
       {std::string(), std::string("Bearer realm=/x.key"), std::string("Basic"),
        std::string("Basicrealm=/x.key"), std::string("Basic realm="), std::string("Basic realm"),
        std::string("Basic foo=/x.key"), std::string("Basic realm=\"unterminated"),
        std::string("Basic realm=\"/x.key\" junk"), std::string("Basic realm=/x\x01y.key"),
        std::string("Basic realm=/x\ny.key"), std::string("Basic realm=\"\""),
        std::string("Basic realm=\"/x\\"), std::string("Basic realm=/x\0y", 16), too_long}) {
    EXPECT_FALSE(ParseWwwAuthenticate(header).has_value()) << header;
  }
}

TEST(AddResponseHeaderLine, AsCurlHandsThemOver) {
  HttpHeaders headers;
  for (const char* line : {"HTTP/1.1 100 Continue\r\n", "\r\n", "HTTP/1.1 200 OK\r\n",
                           "Content-Type:  application/json \r\n", "X-Folded: a\r\n", "\t b \r\n",
                           " \r\n", "no colon here\r\n", ": no name\r\n", "X-Empty:\r\n", "\r\n"}) {
    AddResponseHeaderLine(headers, line);
  }
  const HttpHeaders expected = {
      {"Content-Type", "application/json"}, {"X-Folded", "a b"}, {"X-Empty", ""}};
  EXPECT_EQ(headers, expected);
}

TEST(AddResponseHeaderLine, AStatusLineStartsOver) {
  HttpHeaders headers = {{"X-Interim", "1"}};
  AddResponseHeaderLine(headers, "HTTP/2 200");
  EXPECT_TRUE(headers.empty());
  AddResponseHeaderLine(headers, " folded onto nothing");
  EXPECT_TRUE(headers.empty());
}

TEST(ParseResponseHeaderBlock, AsWinHttpReturnsIt) {
  const struct {
    const char* raw;
    HttpHeaders expected;
  } cases[] = {
      {"", {}},
      {"HTTP/1.1 204 No Content\r\n\r\n", {}},
      {"HTTP/1.1 200 OK\r\nA: 1\r\nB:2\r\n\r\n", {{"A", "1"}, {"B", "2"}}},
      {"HTTP/1.1 200 OK\r\nA: 1\r\n  more\r\nA: 2", {{"A", "1 more"}, {"A", "2"}}},
      {"HTTP/1.1 200 OK\r\nbroken\r\n:x\r\nC: 3\r\n", {{"C", "3"}}},
  };
  for (const auto& c : cases) EXPECT_EQ(ParseResponseHeaderBlock(c.raw), c.expected) << c.raw;
}

TEST(ParseContentLength, DigitsOnly) {
  const struct {
    const char* value;
    std::optional<unsigned long long> expected;
  } cases[] = {
      {"0", 0ULL},
      {"1234", 1234ULL},
      {"0000000000000000001", 1ULL},
      {"9999999999999999999", 9999999999999999999ULL},
      {"", std::nullopt},
      {"10000000000000000000", std::nullopt},  // 20 digits
      {"-1", std::nullopt},
      {"+1", std::nullopt},
      {"1 ", std::nullopt},
      {"1,2", std::nullopt},
      {"0x10", std::nullopt},
  };
  for (const auto& c : cases) EXPECT_EQ(ParseContentLength(c.value), c.expected) << c.value;
}

}  // namespace
}  // namespace preflight

// The WinHTTP transport against a real HTTP server on 127.0.0.1: tests/integration/
// http_test_server.py, started on the Linux side by with_http_server.py, which passes its port in
// MDE_TEST_HTTP_PORT (Wine hands the environment to the test).

#include <windows.h>
#include <winsock2.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <string>

#include "platform/http.h"

namespace preflight {
namespace {

using std::chrono::milliseconds;

std::string ServerPort() {
  wchar_t value[16] = {};
  const DWORD n = ::GetEnvironmentVariableW(L"MDE_TEST_HTTP_PORT", value, 16);
  if (n == 0 || n >= 16) return {};
  return std::string(value, value + n);  // digits only
}

// A loopback port nothing listens on: bound by us, then released.
std::uint16_t ClosedLoopbackPort() {
  WSADATA data{};
  if (::WSAStartup(MAKEWORD(2, 2), &data) != 0) return 0;
  const SOCKET s = ::socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = ::htonl(INADDR_LOOPBACK);
  int size = sizeof address;
  std::uint16_t port = 0;
  if (s != INVALID_SOCKET && ::bind(s, reinterpret_cast<sockaddr*>(&address), size) == 0 &&
      ::getsockname(s, reinterpret_cast<sockaddr*>(&address), &size) == 0) {
    port = ::ntohs(address.sin_port);
  }
  if (s != INVALID_SOCKET) ::closesocket(s);
  ::WSACleanup();
  return port;
}

class WinHttpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    port_ = ServerPort();
    ASSERT_FALSE(port_.empty()) << "MDE_TEST_HTTP_PORT is not set: run through with_http_server.py";
  }
  std::string Url(const std::string& path) const { return "http://127.0.0.1:" + port_ + path; }
  HttpRequest Get(const std::string& path) const {
    HttpRequest request;
    request.url = Url(path);
    request.proxy = HttpProxy::None();
    request.connect_timeout = milliseconds(5'000);
    request.total_timeout = milliseconds(20'000);
    return request;
  }
  Result<HttpResponse> Send(const HttpRequest& request) { return client_->Send(request); }

  std::string port_;
  std::unique_ptr<HttpClient> client_ = MakeHttpClient();
};

TEST_F(WinHttpTest, GetReturnsStatusHeadersAndBody) {
  auto response = Send(Get("/ok?x=1"));
  ASSERT_TRUE(response.Ok()) << response.Err().message;
  EXPECT_EQ(response.Value().status, 200);
  EXPECT_EQ(response.Value().body, "hello");
  ASSERT_NE(response.Value().Header("x-test"), nullptr);
  EXPECT_EQ(*response.Value().Header("X-TEST"), "yes");
  ASSERT_NE(response.Value().Header("X-Request-Target"), nullptr);
  EXPECT_EQ(*response.Value().Header("X-Request-Target"), "/ok?x=1");
  EXPECT_EQ(response.Value().attempts, 1);
}

TEST_F(WinHttpTest, AnErrorStatusIsAResponse) {
  for (const int code : {404, 500, 503}) {
    auto response = Send(Get("/status?code=" + std::to_string(code)));
    ASSERT_TRUE(response.Ok()) << response.Err().message;
    EXPECT_EQ(response.Value().status, code);
  }
}

TEST_F(WinHttpTest, RedirectsAreNotFollowed) {
  auto response = Send(Get("/redirect"));
  ASSERT_TRUE(response.Ok()) << response.Err().message;
  EXPECT_EQ(response.Value().status, 302);
  ASSERT_NE(response.Value().Header("location"), nullptr);
  EXPECT_EQ(*response.Value().Header("location"), "/ok");
}

TEST_F(WinHttpTest, SendsMethodHeadersAndBody) {
  HttpRequest request = Get("/echo");
  request.method = "POST";
  request.headers = {{"Metadata", "true"}, {"X-Custom", "a b"}};
  request.body = "grant_type=x&resource=y";
  auto response = Send(request);
  ASSERT_TRUE(response.Ok()) << response.Err().message;
  const auto echo = nlohmann::json::parse(response.Value().body);
  EXPECT_EQ(echo["method"], "POST");
  EXPECT_EQ(echo["body"], "grant_type=x&resource=y");
  bool metadata = false;
  for (const auto& header : echo["headers"]) {
    if (header[0] == "Metadata" && header[1] == "true") metadata = true;
  }
  EXPECT_TRUE(metadata) << echo.dump();
}

TEST_F(WinHttpTest, BodyOverTheCapIsTooLarge) {
  for (const std::string path : {"/big?size=100000", "/big-chunked?size=100000"}) {
    HttpRequest request = Get(path);
    request.max_response_bytes = 1000;
    auto response = Send(request);
    ASSERT_FALSE(response.Ok()) << path;
    EXPECT_EQ(response.Err().kind, ErrorKind::kTooLarge) << response.Err().message;
  }
  HttpRequest exact = Get("/big-chunked?size=1000");
  exact.max_response_bytes = 1000;
  auto response = Send(exact);
  ASSERT_TRUE(response.Ok()) << response.Err().message;
  EXPECT_EQ(response.Value().body.size(), 1000U);
}

TEST_F(WinHttpTest, RefusedConnectionIsUnavailable) {
  const std::uint16_t closed = ClosedLoopbackPort();
  ASSERT_NE(closed, 0);
  HttpRequest request = Get("/ok");
  request.url = "http://127.0.0.1:" + std::to_string(closed) + "/ok";
  auto response = Send(request);
  ASSERT_FALSE(response.Ok());
  EXPECT_EQ(response.Err().kind, ErrorKind::kUnavailable) << response.Err().message;
}

TEST_F(WinHttpTest, ServerThatNeverAnswersTimesOut) {
  HttpRequest request = Get("/hang");
  request.total_timeout = milliseconds(1'000);
  auto response = Send(request);
  ASSERT_FALSE(response.Ok());
  EXPECT_EQ(response.Err().kind, ErrorKind::kTimeout) << response.Err().message;
}

TEST_F(WinHttpTest, EndlessSlowBodyEndsAtTheTotalTimeout) {
  HttpRequest request = Get("/slow");
  request.total_timeout = milliseconds(1'000);
  auto response = Send(request);
  ASSERT_FALSE(response.Ok());
  EXPECT_EQ(response.Err().kind, ErrorKind::kTimeout) << response.Err().message;
}

TEST_F(WinHttpTest, RunDeadlineClipsTheRequest) {
  HttpRequest request = Get("/hang");
  request.deadline = std::chrono::steady_clock::now() + milliseconds(800);
  auto response = Send(request);
  ASSERT_FALSE(response.Ok());
  EXPECT_EQ(response.Err().kind, ErrorKind::kTimeout) << response.Err().message;

  request.deadline = std::chrono::steady_clock::now() - milliseconds(1);
  response = Send(request);
  ASSERT_FALSE(response.Ok());
  EXPECT_EQ(response.Err().kind, ErrorKind::kTimeout);
}

TEST_F(WinHttpTest, TruncatedBodyIsUnavailable) {
  auto response = Send(Get("/truncated"));
  ASSERT_FALSE(response.Ok());
  EXPECT_EQ(response.Err().kind, ErrorKind::kUnavailable) << response.Err().message;
}

// The target port is closed, so an answer can only come from the proxy (the test server, which
// serves /echo whether the request line is absolute, as Windows sends it, or origin-form, as
// Wine 8 does). Without the proxy the same request is refused.
TEST_F(WinHttpTest, ExplicitProxyCarriesTheRequest) {
  const std::uint16_t closed = ClosedLoopbackPort();
  ASSERT_NE(closed, 0);
  HttpRequest request = Get("/echo");
  request.url = "http://127.0.0.1:" + std::to_string(closed) + "/echo";
  request.proxy = HttpProxy::Url("http://127.0.0.1:" + port_);
  auto response = Send(request);
  ASSERT_TRUE(response.Ok()) << response.Err().message;
  EXPECT_EQ(response.Value().status, 200);
  const auto echo = nlohmann::json::parse(response.Value().body);
  const std::string target = echo["target"];
  EXPECT_TRUE(target == "/echo" || target == request.url) << target;

  request.proxy = HttpProxy::None();
  auto direct = Send(request);
  ASSERT_FALSE(direct.Ok());
  EXPECT_EQ(direct.Err().kind, ErrorKind::kUnavailable) << direct.Err().message;
}

TEST_F(WinHttpTest, BadRequestsAreInvalid) {
  HttpRequest request = Get("/ok");
  request.url = "ftp://127.0.0.1/x";
  EXPECT_EQ(Send(request).Err().kind, ErrorKind::kInvalid);
  request = Get("/ok");
  request.method = "GE T";
  EXPECT_EQ(Send(request).Err().kind, ErrorKind::kInvalid);
  request = Get("/ok");
  request.headers = {{"X-Bad", "a\r\nInjected: 1"}};
  EXPECT_EQ(Send(request).Err().kind, ErrorKind::kInvalid);
  request = Get("/ok");
  request.proxy = HttpProxy::Url("socks5://127.0.0.1:1080");
  EXPECT_EQ(Send(request).Err().kind, ErrorKind::kInvalid);
}

}  // namespace
}  // namespace preflight

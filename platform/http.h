#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "platform/result.h"

namespace preflight {

// Header order is kept as sent/received; names compare case-insensitively (RFC 9110 §5.1).
using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

// The first header called `name` (any case), or nullptr.
const std::string* FindHeader(const HttpHeaders& headers, std::string_view name);

// Where a request goes. "Unset" and "none" differ on purpose (the Azure SDK for C++ makes the
// same split): IMDS and HIMDS must always be reached directly, whatever the environment says
// (reference/azure.md §1.3: "you still must override any default client proxy settings").
struct HttpProxy {
  enum class Mode {
    kFromEnvironment,  // curl: http_proxy / https_proxy / no_proxy; WinHTTP: the machine's
                       // WinHTTP proxy (`netsh winhttp set proxy`)
    kNone,             // never a proxy, even if the environment names one
    kUrl,              // exactly `url`
  };
  Mode mode = Mode::kFromEnvironment;
  std::string url;

  static HttpProxy FromEnvironment() { return {}; }
  static HttpProxy None() { return {Mode::kNone, {}}; }
  static HttpProxy Url(std::string proxy_url) { return {Mode::kUrl, std::move(proxy_url)}; }
};

// Long enough for a slow ARM region, short enough that one unreachable host cannot eat a run.
inline constexpr std::chrono::milliseconds kDefaultConnectTimeout{10'000};
inline constexpr std::chrono::milliseconds kDefaultTotalTimeout{30'000};
// Larger than any single ARM / Resource Graph page the agent asks for; callers that know the
// shape of their answer (IMDS, tokens) pass a smaller cap.
inline constexpr std::size_t kDefaultMaxResponseBytes = std::size_t{4} * 1024 * 1024;

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  HttpHeaders headers;
  std::string body;
  HttpProxy proxy;
  std::chrono::milliseconds connect_timeout = kDefaultConnectTimeout;
  // The whole exchange, connect to last body byte. Also clipped to `deadline`.
  std::chrono::milliseconds total_timeout = kDefaultTotalTimeout;
  std::size_t max_response_bytes = kDefaultMaxResponseBytes;
  // The run's deadline: no attempt starts, and no retry waits, past it.
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  // False for probes that must answer fast or not at all (the IMDS probe, reference/azure.md).
  bool allow_retry = true;
};

struct HttpResponse {
  int status = 0;
  HttpHeaders headers;
  std::string body;
  // How many times the request went out (the retry decorator counts; a transport says 1).
  int attempts = 1;
  // What happened below or around HTTP that the caller may want to report: retries made and why,
  // why retrying stopped. Never contains headers or bodies.
  std::vector<std::string> notes;

  const std::string* Header(std::string_view name) const { return FindHeader(headers, name); }
};

// One virtual Send, as in the Azure SDK for C++; transports and the retry decorator implement it.
// Errors: kTimeout (connect or total timeout, deadline), kTooLarge (body over the cap; reading
// stopped there), kUnavailable (refused, reset, DNS, truncated body), kInvalid (bad URL, method or
// header), kOther (TLS verification and anything else). Any HTTP status is a response, not an
// error. Safe to call from several threads at once.
class HttpClient {
 public:
  virtual ~HttpClient() = default;
  virtual Result<HttpResponse> Send(const HttpRequest& request) = 0;
};

// The platform transport (libcurl on Linux, WinHTTP on Windows), without retries.
std::unique_ptr<HttpClient> MakeHttpClient();

}  // namespace preflight

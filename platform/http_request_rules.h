#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

#include "platform/http.h"
#include "platform/http_parsers.h"
#include "platform/result.h"

// What every HTTP transport checks and decides before it touches the network, and how it words
// what went wrong: one implementation for the libcurl and the WinHTTP transports, so a rule
// tightened for one OS is tightened for both. Pure: no OS headers, never throws.

namespace preflight {

// ARM and IMDS send a few KiB of headers; curl itself caps one header line at 100 KiB
// (CURL_MAX_HTTP_HEADER, include/curl/curl.h). Capping the sum bounds a hostile server.
inline constexpr std::size_t kMaxResponseHeaderBytes = std::size_t{64} * 1024;

// RFC 9110 §5.6.2 tchar: what a method or a header name may be made of.
bool IsHttpToken(std::string_view s);

// No CR, LF or NUL: a value holding one could end the header and start another (header
// injection; RFC 9110 §5.5 forbids them in a field value).
bool IsSafeHeaderValue(std::string_view s);

// True when `headers` carry `Authorization: Bearer …` (the scheme is case-insensitive,
// RFC 9110 §11.1).
bool CarriesBearerToken(const HttpHeaders& headers);

// A request that passed the rules, with what a transport derives from it before sending.
struct CheckedHttpRequest {
  // "METHOD url" with user-info, query and fragment removed and control bytes replaced: every
  // transport error starts with it, and messages may reach logs.
  std::string where;
  ParsedUrl url;
  // The whole exchange: total_timeout clipped to the run's deadline; at least 1 ms, because 0
  // means "no limit" to both curl (CURLOPT_TIMEOUT_MS) and WinHTTP (WinHttpSetTimeouts).
  std::chrono::milliseconds total{0};
  // connect_timeout clipped to `total`; `total` when the caller set none.
  std::chrono::milliseconds connect{0};
  // When the exchange must be over: now + total.
  std::chrono::steady_clock::time_point end;
};

// The rules, in this order: an absolute http(s) URL (ParseUrl), a method that is a token, header
// names that are tokens and values without CR/LF/NUL, a bearer token only where BearerAllowed
// (DESIGN.md: TLS, or plain HTTP to loopback), a positive total timeout: kInvalid otherwise.
// kTimeout when the run's deadline has passed at `now`.
Result<CheckedHttpRequest> CheckHttpRequest(const HttpRequest& request,
                                            std::chrono::steady_clock::time_point now);

// "METHOD redacted-url", printable: the prefix of every transport error.
std::string HttpErrorPrefix(const HttpRequest& request);

// The transports' error for a request: "<where>: <what>".
Error HttpError(std::string_view where, ErrorKind kind, std::string_view what);

// The transports' words for the same events, so both OSes report them alike.
std::string BodyTooLargeText(std::size_t max_response_bytes);
std::string HeadersTooLargeText();
std::string TruncatedBodyText(std::string_view detail);

}  // namespace preflight

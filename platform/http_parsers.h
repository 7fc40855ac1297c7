#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "platform/http.h"

// Pure parsers for the HTTP layer: text in, value out, no OS headers, never throw.

namespace preflight {

// A server may ask for any wait; beyond this it is treated as this (the run's deadline decides
// whether we wait at all). IMDS documents at most 70 s (reference/azure.md §1.9).
inline constexpr std::chrono::milliseconds kMaxRetryAfter{60 * 60 * 1000};

// How long the server asks us to wait, from (in this order, as the Azure SDK for C++
// retry_policy.cpp reads them) `retry-after-ms`, `x-ms-retry-after-ms` (milliseconds), then
// `Retry-After` as delta-seconds or an HTTP-date (RFC 9110 §10.2.3). A header that does not parse
// is skipped. Negative values and dates in the past give 0; huge ones give kMaxRetryAfter.
std::optional<std::chrono::milliseconds> ParseRetryAfter(const HttpHeaders& headers,
                                                         std::chrono::system_clock::time_point now);

// RFC 9110 §5.6.7 HTTP-date: IMF-fixdate, and the obsolete RFC 850 and asctime forms that a
// recipient must still accept. `now` resolves RFC 850's two-digit year.
// Seconds precision, so years far outside system_clock's nanosecond range cannot overflow.
std::optional<std::chrono::sys_seconds> ParseHttpDate(std::string_view text,
                                                      std::chrono::system_clock::time_point now);

// One response header line as a transport receives it (a trailing CR/LF is ignored): a status
// line ("HTTP/…") starts a new block, so only the final response's headers stay (after a
// 100 Continue); a line starting with a space or tab continues the previous value (obs-fold,
// RFC 9112 §5.2); "Name: value" is added with the value trimmed; anything else (the blank line
// ending the block, a line without a name) is skipped.
void AddResponseHeaderLine(HttpHeaders& headers, std::string_view line);

// A CRLF-separated header block, status line first, as WinHTTP's WINHTTP_QUERY_RAW_HEADERS_CRLF
// returns it.
HttpHeaders ParseResponseHeaderBlock(std::string_view raw);

// Content-Length (RFC 9110 §8.6): 1 to 19 digits, nothing else; otherwise unknown.
std::optional<unsigned long long> ParseContentLength(std::string_view value);

struct ParsedUrl {
  std::string scheme;  // lower case
  std::string host;    // lower case, IPv6 without brackets
  bool ipv6 = false;
  std::uint16_t port = 0;  // explicit, or 80/443 for http/https, else 0
  std::string path;        // starts with '/'
  std::string query;       // after '?', without it
};

// RFC 3986 absolute URL, strictly: no user-info (a classic way to make a URL look like it goes to
// one host while going to another), no whitespace, control bytes or backslashes, port 1-65535.
// The fragment is dropped.
std::optional<ParsedUrl> ParseUrl(std::string_view url);

// "localhost", 127.0.0.0/8 in dotted-quad form, ::1 (any spelling) and ::ffff:127.x.x.x.
// Brackets around IPv6 are accepted. Shorthand like "127.1" is not loopback here: being strict
// only ever withholds a token.
bool IsLoopbackHost(std::string_view host);

// DESIGN.md: a bearer token is only ever sent over TLS, or over plain HTTP to a loopback address.
bool BearerAllowed(std::string_view url);

// The URL with user-info, query and fragment removed, for logs and messages (a query may carry a
// SAS signature or a skip token that is nobody's business).
std::string RedactUrl(std::string_view url);

// The key-file path from the Arc HIMDS challenge `WWW-Authenticate: Basic realm=<path>`
// (reference/azure.md §2.2). Only the syntax is checked here; whether the path is an acceptable
// key file (directory, .key, size; §2.3) is for the caller to decide before reading it.
std::optional<std::string> ParseWwwAuthenticate(std::string_view header);

}  // namespace preflight

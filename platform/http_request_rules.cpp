#include "platform/http_request_rules.h"

#include <algorithm>
#include <optional>

#include "platform/parse_util.h"

namespace preflight {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

// The first rule `request` breaks, worded for the error, or nothing.
std::optional<std::string> BrokenRule(const HttpRequest& request,
                                      const std::optional<ParsedUrl>& url) {
  if (!url || (url->scheme != "http" && url->scheme != "https")) {
    return "not a valid http(s) URL";
  }
  if (!IsHttpToken(request.method)) return "invalid method";
  for (const auto& [name, value] : request.headers) {
    if (!IsHttpToken(name) || !IsSafeHeaderValue(value)) return "invalid header name or value";
  }
  if (CarriesBearerToken(request.headers) && !BearerAllowed(request.url)) {
    return "a bearer token goes only over TLS or to a loopback address";
  }
  if (request.total_timeout <= milliseconds(0)) return "total timeout must be positive";
  return std::nullopt;
}

}  // namespace

bool IsHttpToken(std::string_view s) {
  if (s.empty()) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    return alnum || std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
  });
}

bool IsSafeHeaderValue(std::string_view s) {
  return s.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

bool CarriesBearerToken(const HttpHeaders& headers) {
  for (const auto& [name, value] : headers) {
    if (!parse::EqualsNoCase(name, "authorization")) continue;
    std::string_view credentials = parse::TrimOws(value);
    if (parse::EqualsNoCase(parse::ReadAlpha(credentials), "bearer")) return true;
  }
  return false;
}

std::string HttpErrorPrefix(const HttpRequest& request) {
  std::string where = request.method + " " + RedactUrl(request.url);
  std::replace_if(
      where.begin(), where.end(), [](char c) { return c >= 0 && c < 0x20; }, '?');
  return where;
}

Error HttpError(std::string_view where, ErrorKind kind, std::string_view what) {
  std::string message(where);
  message.append(": ").append(what);
  return MakeError(kind, std::move(message));
}

Result<CheckedHttpRequest> CheckHttpRequest(const HttpRequest& request, Clock::time_point now) {
  CheckedHttpRequest checked;
  checked.where = HttpErrorPrefix(request);
  const std::optional<ParsedUrl> url = ParseUrl(request.url);
  if (const auto broken = BrokenRule(request, url)) {
    return HttpError(checked.where, ErrorKind::kInvalid, *broken);
  }
  checked.url = *url;
  checked.total = request.total_timeout;
  if (request.deadline != Clock::time_point::max()) {
    if (request.deadline <= now) {
      return HttpError(checked.where, ErrorKind::kTimeout, "the run's deadline has passed");
    }
    checked.total =
        std::min(checked.total, std::chrono::ceil<milliseconds>(request.deadline - now));
  }
  checked.connect = request.connect_timeout > milliseconds(0)
                        ? std::min(request.connect_timeout, checked.total)
                        : checked.total;
  // The exact deadline, not its whole-millisecond ceiling above.
  checked.end = std::min(now + request.total_timeout, request.deadline);
  return checked;
}

std::string BodyTooLargeText(std::size_t max_response_bytes) {
  return "response body is larger than the " + std::to_string(max_response_bytes) +
         "-byte limit; stopped reading there";
}

std::string HeadersTooLargeText() {
  return "response headers exceed " + std::to_string(kMaxResponseHeaderBytes) + " bytes";
}

std::string TruncatedBodyText(std::string_view detail) {
  std::string text = "response body truncated (";
  text.append(detail).append(")");
  return text;
}

}  // namespace preflight

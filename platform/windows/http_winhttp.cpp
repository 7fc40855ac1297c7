// WinHTTP transport, the Windows counterpart of linux/http_curl.cpp with the same contract
// (platform/http.h). Synchronous WinHTTP with a session per Send, so calls share nothing and are
// safe from several threads. WinHTTP's timeouts are per operation, so each blocking call gets
// the time left of the whole exchange, and no call can run past the total timeout.
// https://learn.microsoft.com/windows/win32/winhttp/winhttp-sessions-overview

#include <windows.h>

#include <winhttp.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "platform/http.h"
#include "platform/http_parsers.h"
#include "platform/parse_util.h"
#include "platform/windows/win32_util.h"

namespace preflight {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

// The same bound on response headers as the curl transport: ARM and IMDS send a few KiB.
constexpr std::size_t kMaxHeaderBytes = std::size_t{64} * 1024;
constexpr DWORD kReadChunk = 64 * 1024;

struct InternetCloser {
  void operator()(HINTERNET handle) const { ::WinHttpCloseHandle(handle); }
};
using UniqueInternet = std::unique_ptr<void, InternetCloser>;

// RFC 9110 §5.6.2 tchar: what a method or header name may be made of.
bool IsToken(std::string_view s) {
  if (s.empty()) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    return alnum || std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
  });
}

bool IsSafeHeaderValue(std::string_view s) {
  return s.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

ErrorKind KindOf(DWORD code) {
  switch (code) {
    case ERROR_WINHTTP_TIMEOUT:
    case ERROR_TIMEOUT:
    case WSAETIMEDOUT:  // Wine's WinHTTP passes the socket's own timeout through
      return ErrorKind::kTimeout;
    case WSAECONNRESET:
    case WSAECONNREFUSED:
    case ERROR_WINHTTP_CANNOT_CONNECT:
    case ERROR_WINHTTP_CONNECTION_ERROR:
    case ERROR_WINHTTP_NAME_NOT_RESOLVED:
    case ERROR_WINHTTP_INVALID_SERVER_RESPONSE:
    case ERROR_WINHTTP_RESEND_REQUEST:
      return ErrorKind::kUnavailable;
    case ERROR_WINHTTP_INVALID_URL:
    case ERROR_WINHTTP_UNRECOGNIZED_SCHEME:
      return ErrorKind::kInvalid;
    case ERROR_WINHTTP_HEADER_SIZE_OVERFLOW:
    case ERROR_WINHTTP_HEADER_COUNT_EXCEEDED:
      return ErrorKind::kTooLarge;
    default:
      return ErrorKind::kOther;  // certificate and TLS failures land here: never retried
  }
}

// WinHTTP's messages live in winhttp.dll, not in the system table; name the common ones.
std::string Describe(DWORD code) {
  const char* text = nullptr;
  switch (code) {
    case ERROR_WINHTTP_TIMEOUT:
    case ERROR_TIMEOUT:
    case WSAETIMEDOUT:
      text = "timed out";
      break;
    case ERROR_WINHTTP_CANNOT_CONNECT:
      text = "could not connect";
      break;
    case ERROR_WINHTTP_CONNECTION_ERROR:
      text = "connection reset or closed";
      break;
    case ERROR_WINHTTP_NAME_NOT_RESOLVED:
      text = "host name not resolved";
      break;
    case ERROR_WINHTTP_INVALID_SERVER_RESPONSE:
      text = "invalid response from the server";
      break;
    case ERROR_WINHTTP_SECURE_FAILURE:
      text = "TLS certificate or handshake failed";
      break;
    default:
      return win32::Win32Message(code);
  }
  return std::string(text) + " (WinHTTP error " + std::to_string(code) + ")";
}

class WinHttpClient final : public HttpClient {
 public:
  Result<HttpResponse> Send(const HttpRequest& request) override;
};

// Time left of the exchange, as WinHTTP's DWORD milliseconds (at least 1: 0 means "none").
DWORD Left(Clock::time_point end) {
  const auto left = std::chrono::ceil<milliseconds>(end - Clock::now()).count();
  return static_cast<DWORD>(std::clamp<long long>(left, 1, 0x7FFFFFFF));
}

// "Name: value" lines after the status line, in order; obs-folds joined (RFC 9112 §5.2).
HttpHeaders ParseRawHeaders(std::string_view raw) {
  HttpHeaders headers;
  bool status_line = true;
  while (!raw.empty()) {
    const std::size_t end = raw.find("\r\n");
    const std::string_view line = raw.substr(0, end);
    raw.remove_prefix(end == std::string_view::npos ? raw.size() : end + 2);
    if (status_line) {
      status_line = false;
      continue;
    }
    if (!line.empty() && (line.front() == ' ' || line.front() == '\t')) {
      if (!headers.empty() && !parse::TrimOws(line).empty()) {
        headers.back().second.append(" ").append(parse::TrimOws(line));
      }
      continue;
    }
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) continue;
    headers.emplace_back(std::string(line.substr(0, colon)),
                         std::string(parse::TrimOws(line.substr(colon + 1))));
  }
  return headers;
}

// Content-Length from the parsed headers: digits only, else unknown.
std::optional<unsigned long long> ContentLength(const HttpHeaders& headers) {
  const std::string* value = FindHeader(headers, "content-length");
  if (value == nullptr || value->empty() || value->size() > 19) return std::nullopt;
  unsigned long long length = 0;
  for (const char c : *value) {
    if (c < '0' || c > '9') return std::nullopt;
    length = length * 10 + static_cast<unsigned long long>(c - '0');
  }
  return length;
}

Result<HttpResponse> WinHttpClient::Send(const HttpRequest& request) {
  // Messages may reach logs: no control bytes from a caller-supplied method or URL.
  std::string where = request.method + " " + RedactUrl(request.url);
  std::replace_if(
      where.begin(), where.end(), [](char c) { return c >= 0 && c < 0x20; }, '?');
  auto fail = [&where](ErrorKind kind, std::string_view what) {
    return MakeError(kind, where + ": " + std::string(what));
  };
  auto fail_win = [&where](std::string_view step) {
    const DWORD code = ::GetLastError();
    return MakeError(KindOf(code), where + ": " + std::string(step) + ": " + Describe(code));
  };

  const auto url = ParseUrl(request.url);
  if (!url || (url->scheme != "http" && url->scheme != "https")) {
    return fail(ErrorKind::kInvalid, "not a valid http(s) URL");
  }
  if (!IsToken(request.method)) return fail(ErrorKind::kInvalid, "invalid method");
  if (request.total_timeout <= milliseconds(0)) {
    return fail(ErrorKind::kInvalid, "total timeout must be positive");
  }
  const auto now = Clock::now();
  Clock::time_point end = now + request.total_timeout;
  if (request.deadline != Clock::time_point::max()) {
    if (request.deadline <= now) return fail(ErrorKind::kTimeout, "the run's deadline has passed");
    end = std::min(end, request.deadline);
  }
  const milliseconds connect =
      request.connect_timeout > milliseconds(0)
          ? std::min(request.connect_timeout, std::chrono::ceil<milliseconds>(end - now))
          : std::chrono::ceil<milliseconds>(end - now);

  std::wstring headers;
  for (const auto& [name, value] : request.headers) {
    if (!IsToken(name) || !IsSafeHeaderValue(value)) {
      return fail(ErrorKind::kInvalid, "invalid header name or value");
    }
    auto line = win32::Wide(name + ": " + value, "a header");
    if (!line.Ok()) return fail(ErrorKind::kInvalid, "a header is not UTF-8");
    headers += line.Value() + L"\r\n";
  }

  // Proxy: kFromEnvironment is the machine's WinHTTP proxy (`netsh winhttp set proxy`), what
  // services running as LocalSystem use; kNone never uses one (IMDS / HIMDS); kUrl sends every
  // request, loopback included, through exactly that proxy (no bypass list), as curl does.
  DWORD access = WINHTTP_ACCESS_TYPE_DEFAULT_PROXY;
  std::wstring proxy;
  if (request.proxy.mode == HttpProxy::Mode::kNone) access = WINHTTP_ACCESS_TYPE_NO_PROXY;
  if (request.proxy.mode == HttpProxy::Mode::kUrl) {
    const auto parsed = ParseUrl(request.proxy.url);
    if (!parsed || parsed->scheme != "http") {
      return fail(ErrorKind::kInvalid, "the proxy must be an http:// URL");
    }
    const std::string host = parsed->ipv6 ? "[" + parsed->host + "]" : parsed->host;
    auto wide = win32::Wide(host + ":" + std::to_string(parsed->port), "the proxy");
    if (!wide.Ok()) return fail(ErrorKind::kInvalid, "the proxy is not UTF-8");
    proxy = std::move(wide).Value();
    access = WINHTTP_ACCESS_TYPE_NAMED_PROXY;
  }
  const UniqueInternet session(::WinHttpOpen(L"mde-preflight", access,
                                             proxy.empty() ? WINHTTP_NO_PROXY_NAME : proxy.c_str(),
                                             WINHTTP_NO_PROXY_BYPASS, 0));
  if (!session) return fail_win("WinHttpOpen");
  // TLS 1.2 or later only, as MDE itself requires (reference/windows.md, prerequisites).
  DWORD protocols = WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_2;
#ifdef WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_3
  protocols |= WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_3;
#endif
  if (!::WinHttpSetOption(session.get(), WINHTTP_OPTION_SECURE_PROTOCOLS, &protocols,
                          sizeof protocols)) {
    // Older systems reject the TLS 1.3 bit; TLS 1.2 alone is still the floor.
    protocols = WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_2;
    ::WinHttpSetOption(session.get(), WINHTTP_OPTION_SECURE_PROTOCOLS, &protocols,
                       sizeof protocols);
  }

  auto host = win32::Wide(url->host, "the host");
  if (!host.Ok()) return fail(ErrorKind::kInvalid, "the host is not UTF-8");
  const UniqueInternet connection(
      ::WinHttpConnect(session.get(), host.Value().c_str(), url->port, 0));
  if (!connection) return fail_win("WinHttpConnect");
  auto method = win32::Wide(request.method, "the method");
  auto target =
      win32::Wide(url->query.empty() ? url->path : url->path + "?" + url->query, "the path");
  if (!method.Ok() || !target.Ok()) return fail(ErrorKind::kInvalid, "the URL is not UTF-8");
  const UniqueInternet req(::WinHttpOpenRequest(
      connection.get(), method.Value().c_str(), target.Value().c_str(), nullptr, WINHTTP_NO_REFERER,
      WINHTTP_DEFAULT_ACCEPT_TYPES,
      (url->scheme == "https" ? WINHTTP_FLAG_SECURE : 0) | WINHTTP_FLAG_ESCAPE_DISABLE));
  if (!req) return fail_win("WinHttpOpenRequest");
  // No redirects (a followed one would carry a bearer token to a host BearerAllowed never saw)
  // and no cookies; a 3xx is returned to the caller as a response.
  DWORD features = WINHTTP_DISABLE_REDIRECTS | WINHTTP_DISABLE_COOKIES;
  if (!::WinHttpSetOption(req.get(), WINHTTP_OPTION_DISABLE_FEATURE, &features, sizeof features)) {
    return fail_win("disabling redirects");
  }
  // The wait for the response headers has its own timeout besides the receive timeout
  // (WINHTTP_OPTION_RECEIVE_RESPONSE_TIMEOUT); both get the time left.
  const auto set_timeouts = [&](DWORD connect_ms) {
    DWORD left = Left(end);
    return ::WinHttpSetTimeouts(req.get(), static_cast<int>(left),
                                static_cast<int>(std::min(connect_ms, left)),
                                static_cast<int>(left), static_cast<int>(left)) &&
           ::WinHttpSetOption(req.get(), WINHTTP_OPTION_RECEIVE_RESPONSE_TIMEOUT, &left,
                              sizeof left);
  };
  if (!set_timeouts(static_cast<DWORD>(std::max<long long>(connect.count(), 1)))) {
    return fail_win("WinHttpSetTimeouts");
  }

  void* body =
      request.body.empty() ? WINHTTP_NO_REQUEST_DATA : const_cast<char*>(request.body.data());
  const auto body_size = static_cast<DWORD>(request.body.size());
  if (!::WinHttpSendRequest(req.get(),
                            headers.empty() ? WINHTTP_NO_ADDITIONAL_HEADERS : headers.c_str(),
                            static_cast<DWORD>(headers.size()), body, body_size, body_size, 0)) {
    return fail_win("sending the request");
  }
  if (!set_timeouts(Left(end))) return fail_win("WinHttpSetTimeouts");
  if (!::WinHttpReceiveResponse(req.get(), nullptr)) return fail_win("receiving the response");

  HttpResponse response;
  DWORD status = 0;
  DWORD size = sizeof status;
  if (!::WinHttpQueryHeaders(req.get(), WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER,
                             WINHTTP_HEADER_NAME_BY_INDEX, &status, &size,
                             WINHTTP_NO_HEADER_INDEX) ||
      status == 0) {
    return fail(ErrorKind::kOther, "no HTTP status in the response");
  }
  response.status = static_cast<int>(status);

  DWORD raw_size = 0;
  ::WinHttpQueryHeaders(req.get(), WINHTTP_QUERY_RAW_HEADERS_CRLF, WINHTTP_HEADER_NAME_BY_INDEX,
                        WINHTTP_NO_OUTPUT_BUFFER, &raw_size, WINHTTP_NO_HEADER_INDEX);
  if (raw_size / sizeof(wchar_t) > kMaxHeaderBytes) {
    return fail(ErrorKind::kTooLarge,
                "response headers exceed " + std::to_string(kMaxHeaderBytes) + " bytes");
  }
  if (raw_size > 0) {
    std::wstring raw(raw_size / sizeof(wchar_t) + 1, L'\0');
    if (::WinHttpQueryHeaders(req.get(), WINHTTP_QUERY_RAW_HEADERS_CRLF,
                              WINHTTP_HEADER_NAME_BY_INDEX, raw.data(), &raw_size,
                              WINHTTP_NO_HEADER_INDEX)) {
      raw.resize(raw_size / sizeof(wchar_t));
      response.headers = ParseRawHeaders(win32::Narrow(raw));
    }
  }

  const auto too_large = [&] {
    return fail(ErrorKind::kTooLarge, "response body is larger than the " +
                                          std::to_string(request.max_response_bytes) +
                                          "-byte limit; stopped reading there");
  };
  // Refuse early when Content-Length already says too much, as the curl transport does.
  const std::optional<unsigned long long> content_length = ContentLength(response.headers);
  if (request.method == "HEAD") return response;
  if (content_length && *content_length > request.max_response_bytes) return too_large();

  // Read what is there, never wait to fill a buffer: a body that drips must still end at the
  // total timeout, checked between reads.
  std::vector<char> chunk(kReadChunk);
  for (;;) {
    if (Clock::now() >= end) return fail(ErrorKind::kTimeout, "timed out reading the body");
    if (!set_timeouts(Left(end))) return fail_win("WinHttpSetTimeouts");
    DWORD available = 0;
    if (!::WinHttpQueryDataAvailable(req.get(), &available)) return fail_win("reading the body");
    if (available == 0) break;
    DWORD read = 0;
    if (!::WinHttpReadData(req.get(), chunk.data(), std::min(available, kReadChunk), &read)) {
      return fail_win("reading the body");
    }
    if (read == 0) break;
    if (read > request.max_response_bytes - response.body.size()) return too_large();
    response.body.append(chunk.data(), read);
  }
  if (content_length && response.body.size() < *content_length) {
    return fail(ErrorKind::kUnavailable, "response body truncated (" +
                                             std::to_string(response.body.size()) + " of " +
                                             std::to_string(*content_length) + " bytes)");
  }
  return response;
}

}  // namespace

std::unique_ptr<HttpClient> MakeHttpClient() { return std::make_unique<WinHttpClient>(); }

}  // namespace preflight

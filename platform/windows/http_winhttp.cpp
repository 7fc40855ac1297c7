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
#include "platform/http_request_rules.h"
#include "platform/windows/win32_util.h"
#include "platform/windows/winhttp_util.h"

namespace preflight {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

constexpr DWORD kReadChunk = 64 * 1024;

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

// Time left of the exchange, as WinHTTP's DWORD milliseconds (at least 1: 0 means "none").
DWORD Left(Clock::time_point end) {
  const auto left = std::chrono::ceil<milliseconds>(end - Clock::now()).count();
  return static_cast<DWORD>(std::clamp<long long>(left, 1, 0x7FFFFFFF));
}

// The error for a WinHTTP call that just failed: reads GetLastError, so call it at once.
Error WinFail(const CheckedHttpRequest& checked, std::string_view step) {
  const DWORD code = ::GetLastError();
  return HttpError(checked.where, KindOf(code),
                   std::string(step) + ": " + DescribeWinHttpError(code));
}

Error Fail(const CheckedHttpRequest& checked, ErrorKind kind, std::string_view what) {
  return HttpError(checked.where, kind, what);
}

// What Prepare derives from a checked request: WinHTTP's wide strings and flags.
struct WinHttpPlan {
  DWORD access = WINHTTP_ACCESS_TYPE_DEFAULT_PROXY;
  std::wstring proxy;  // "host:port" for WINHTTP_ACCESS_TYPE_NAMED_PROXY
  std::wstring host;
  std::wstring method;
  std::wstring target;   // path and query
  std::wstring headers;  // "Name: value\r\n" lines
  DWORD open_flags = 0;
};

// Proxy: kFromEnvironment is the machine's WinHTTP proxy (`netsh winhttp set proxy`), what
// services running as LocalSystem use; kNone never uses one (IMDS / HIMDS); kUrl sends every
// request, loopback included, through exactly that proxy (no bypass list), as curl does.
// WinHTTP speaks only to HTTP proxies (WINHTTP_ACCESS_TYPE_NAMED_PROXY), so kUrl must be http://.
Result<Done> PlanProxy(const HttpProxy& proxy, const CheckedHttpRequest& checked,
                       WinHttpPlan& plan) {
  if (proxy.mode == HttpProxy::Mode::kNone) plan.access = WINHTTP_ACCESS_TYPE_NO_PROXY;
  if (proxy.mode != HttpProxy::Mode::kUrl) return Done{};
  const auto parsed = ParseUrl(proxy.url);
  if (!parsed || parsed->scheme != "http") {
    return Fail(checked, ErrorKind::kInvalid, "the proxy must be an http:// URL");
  }
  const std::string host = parsed->ipv6 ? "[" + parsed->host + "]" : parsed->host;
  auto wide = win32::Wide(host + ":" + std::to_string(parsed->port), "the proxy");
  if (!wide.Ok()) return Fail(checked, ErrorKind::kInvalid, "the proxy is not UTF-8");
  plan.proxy = std::move(wide).Value();
  plan.access = WINHTTP_ACCESS_TYPE_NAMED_PROXY;
  return Done{};
}

// Prepare: the request, already checked by CheckHttpRequest, in WinHTTP's wide strings.
Result<WinHttpPlan> Prepare(const HttpRequest& request, const CheckedHttpRequest& checked) {
  WinHttpPlan plan;
  for (const auto& [name, value] : request.headers) {
    std::string text = name;
    text.append(": ").append(value);
    auto line = win32::Wide(text, "a header");
    if (!line.Ok()) return Fail(checked, ErrorKind::kInvalid, "a header is not UTF-8");
    plan.headers += line.Value() + L"\r\n";
  }
  if (auto proxy = PlanProxy(request.proxy, checked, plan); !proxy.Ok()) return proxy.Err();
  const ParsedUrl& url = checked.url;
  auto host = win32::Wide(url.host, "the host");
  if (!host.Ok()) return Fail(checked, ErrorKind::kInvalid, "the host is not UTF-8");
  auto method = win32::Wide(request.method, "the method");
  auto target = win32::Wide(url.query.empty() ? url.path : url.path + "?" + url.query, "the path");
  if (!method.Ok() || !target.Ok()) {
    return Fail(checked, ErrorKind::kInvalid, "the URL is not UTF-8");
  }
  plan.host = std::move(host).Value();
  plan.method = std::move(method).Value();
  plan.target = std::move(target).Value();
  plan.open_flags = (url.scheme == "https" ? WINHTTP_FLAG_SECURE : 0) | WINHTTP_FLAG_ESCAPE_DISABLE;
  return plan;
}

struct Handles {
  UniqueInternet session;
  UniqueInternet connection;
  UniqueInternet request;
};

// The wait for the response headers has its own timeout besides the receive timeout
// (WINHTTP_OPTION_RECEIVE_RESPONSE_TIMEOUT); both get the time left.
bool SetTimeouts(HINTERNET request, Clock::time_point end, DWORD connect_ms) {
  DWORD left = Left(end);
  return ::WinHttpSetTimeouts(request, static_cast<int>(left),
                              static_cast<int>(std::min(connect_ms, left)), static_cast<int>(left),
                              static_cast<int>(left)) &&
         ::WinHttpSetOption(request, WINHTTP_OPTION_RECEIVE_RESPONSE_TIMEOUT, &left, sizeof left);
}

// Session, connection and request handles, configured for one exchange.
Result<Handles> Open(const WinHttpPlan& plan, const CheckedHttpRequest& checked) {
  Handles h;
  h.session.reset(::WinHttpOpen(L"mde-preflight", plan.access,
                                plan.proxy.empty() ? WINHTTP_NO_PROXY_NAME : plan.proxy.c_str(),
                                WINHTTP_NO_PROXY_BYPASS, 0));
  if (!h.session) return WinFail(checked, "WinHttpOpen");
  RequireModernTls(h.session.get());
  h.connection.reset(::WinHttpConnect(h.session.get(), plan.host.c_str(), checked.url.port, 0));
  if (!h.connection) return WinFail(checked, "WinHttpConnect");
  h.request.reset(::WinHttpOpenRequest(h.connection.get(), plan.method.c_str(), plan.target.c_str(),
                                       nullptr, WINHTTP_NO_REFERER, WINHTTP_DEFAULT_ACCEPT_TYPES,
                                       plan.open_flags));
  if (!h.request) return WinFail(checked, "WinHttpOpenRequest");
  // No redirects (a followed one would carry a bearer token to a host BearerAllowed never saw)
  // and no cookies; a 3xx is returned to the caller as a response.
  DWORD features = WINHTTP_DISABLE_REDIRECTS | WINHTTP_DISABLE_COOKIES;
  if (!::WinHttpSetOption(h.request.get(), WINHTTP_OPTION_DISABLE_FEATURE, &features,
                          sizeof features)) {
    return WinFail(checked, "disabling redirects");
  }
  if (!SetTimeouts(h.request.get(), checked.end,
                   static_cast<DWORD>(std::max<long long>(checked.connect.count(), 1)))) {
    return WinFail(checked, "WinHttpSetTimeouts");
  }
  return h;
}

// Perform: the request goes out and the response headers come back.
Result<Done> Perform(HINTERNET req, const std::string& body, const WinHttpPlan& plan,
                     const CheckedHttpRequest& checked) {
  void* data = body.empty() ? WINHTTP_NO_REQUEST_DATA : const_cast<char*>(body.data());
  const auto size = static_cast<DWORD>(body.size());
  const wchar_t* headers =
      plan.headers.empty() ? WINHTTP_NO_ADDITIONAL_HEADERS : plan.headers.c_str();
  if (!::WinHttpSendRequest(req, headers, static_cast<DWORD>(plan.headers.size()), data, size, size,
                            0)) {
    return WinFail(checked, "sending the request");
  }
  if (!SetTimeouts(req, checked.end, Left(checked.end))) {
    return WinFail(checked, "WinHttpSetTimeouts");
  }
  if (!::WinHttpReceiveResponse(req, nullptr)) return WinFail(checked, "receiving the response");
  return Done{};
}

Result<int> ReadStatus(HINTERNET req, const CheckedHttpRequest& checked) {
  DWORD status = 0;
  DWORD size = sizeof status;
  if (!::WinHttpQueryHeaders(req, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER,
                             WINHTTP_HEADER_NAME_BY_INDEX, &status, &size,
                             WINHTTP_NO_HEADER_INDEX) ||
      status == 0) {
    return Fail(checked, ErrorKind::kOther, "no HTTP status in the response");
  }
  return static_cast<int>(status);
}

Result<HttpHeaders> ReadHeaders(HINTERNET req, const CheckedHttpRequest& checked) {
  DWORD raw_size = 0;
  ::WinHttpQueryHeaders(req, WINHTTP_QUERY_RAW_HEADERS_CRLF, WINHTTP_HEADER_NAME_BY_INDEX,
                        WINHTTP_NO_OUTPUT_BUFFER, &raw_size, WINHTTP_NO_HEADER_INDEX);
  if (raw_size / sizeof(wchar_t) > kMaxResponseHeaderBytes) {
    return Fail(checked, ErrorKind::kTooLarge, HeadersTooLargeText());
  }
  if (raw_size == 0) return HttpHeaders{};
  std::wstring raw(raw_size / sizeof(wchar_t) + 1, L'\0');
  if (!::WinHttpQueryHeaders(req, WINHTTP_QUERY_RAW_HEADERS_CRLF, WINHTTP_HEADER_NAME_BY_INDEX,
                             raw.data(), &raw_size, WINHTTP_NO_HEADER_INDEX)) {
    return HttpHeaders{};
  }
  raw.resize(raw_size / sizeof(wchar_t));
  return ParseResponseHeaderBlock(win32::Narrow(raw));
}

// Read what is there, never wait to fill a buffer: a body that drips must still end at the
// total timeout, checked between reads.
Result<std::string> ReadBody(HINTERNET req, std::size_t max_bytes,
                             const CheckedHttpRequest& checked) {
  std::string body;
  std::vector<char> chunk(kReadChunk);
  for (;;) {
    if (Clock::now() >= checked.end) {
      return Fail(checked, ErrorKind::kTimeout, "timed out reading the body");
    }
    if (!SetTimeouts(req, checked.end, Left(checked.end))) {
      return WinFail(checked, "WinHttpSetTimeouts");
    }
    DWORD available = 0;
    if (!::WinHttpQueryDataAvailable(req, &available)) return WinFail(checked, "reading the body");
    if (available == 0) return body;
    DWORD read = 0;
    if (!::WinHttpReadData(req, chunk.data(), std::min(available, kReadChunk), &read)) {
      return WinFail(checked, "reading the body");
    }
    if (read == 0) return body;
    if (read > max_bytes - body.size()) {
      return Fail(checked, ErrorKind::kTooLarge, BodyTooLargeText(max_bytes));
    }
    body.append(chunk.data(), read);
  }
}

// Collect: status, headers and body, each within its cap.
Result<HttpResponse> Collect(HINTERNET req, const HttpRequest& request,
                             const CheckedHttpRequest& checked) {
  HttpResponse response;
  auto status = ReadStatus(req, checked);
  if (!status.Ok()) return status.Err();
  response.status = status.Value();
  auto headers = ReadHeaders(req, checked);
  if (!headers.Ok()) return headers.Err();
  response.headers = std::move(headers).Value();
  if (request.method == "HEAD") return response;
  // Refuse early when Content-Length already says too much, as the curl transport does.
  const std::string* length_header = response.Header("content-length");
  const auto content_length =
      length_header == nullptr ? std::nullopt : ParseContentLength(*length_header);
  if (content_length && *content_length > request.max_response_bytes) {
    return Fail(checked, ErrorKind::kTooLarge, BodyTooLargeText(request.max_response_bytes));
  }
  auto body = ReadBody(req, request.max_response_bytes, checked);
  if (!body.Ok()) return body.Err();
  response.body = std::move(body).Value();
  if (content_length && response.body.size() < *content_length) {
    return Fail(checked, ErrorKind::kUnavailable,
                TruncatedBodyText(std::to_string(response.body.size()) + " of " +
                                  std::to_string(*content_length) + " bytes"));
  }
  return response;
}

class WinHttpClient final : public HttpClient {
 public:
  Result<HttpResponse> Send(const HttpRequest& request) override {
    auto checked = CheckHttpRequest(request, Clock::now());
    if (!checked.Ok()) return checked.Err();
    auto plan = Prepare(request, checked.Value());
    if (!plan.Ok()) return plan.Err();
    auto handles = Open(plan.Value(), checked.Value());
    if (!handles.Ok()) return handles.Err();
    HINTERNET req = handles.Value().request.get();
    if (auto sent = Perform(req, request.body, plan.Value(), checked.Value()); !sent.Ok()) {
      return sent.Err();
    }
    return Collect(req, request, checked.Value());
  }
};

}  // namespace

std::string DescribeWinHttpError(DWORD code) {
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
    case ERROR_WINHTTP_SECURE_CHANNEL_ERROR:
      text = "TLS handshake failed";
      break;
    default:
      return win32::Win32Message(code);
  }
  return std::string(text) + " (WinHTTP error " + std::to_string(code) + ")";
}

void RequireModernTls(HINTERNET session) {
  DWORD protocols = WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_2;
#ifdef WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_3
  protocols |= WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_3;
#endif
  if (!::WinHttpSetOption(session, WINHTTP_OPTION_SECURE_PROTOCOLS, &protocols, sizeof protocols)) {
    // Older systems reject the TLS 1.3 bit; TLS 1.2 alone is still the floor.
    protocols = WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_2;
    ::WinHttpSetOption(session, WINHTTP_OPTION_SECURE_PROTOCOLS, &protocols, sizeof protocols);
  }
}

std::unique_ptr<HttpClient> MakeHttpClient() { return std::make_unique<WinHttpClient>(); }

}  // namespace preflight

// libcurl easy-API transport. One easy handle per Send, so calls share nothing but the one-time
// global init and are safe from several threads (https://curl.se/libcurl/c/threadsafe.html).

#include <curl/curl.h>

#include <algorithm>
#include <chrono>
#include <limits>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "platform/http.h"
#include "platform/http_parsers.h"

namespace preflight {
namespace {

using std::chrono::milliseconds;

// ARM and IMDS send a few KiB of headers; curl itself caps one header line at 100 KiB
// (CURL_MAX_HTTP_HEADER, include/curl/curl.h). Capping the sum bounds a hostile server.
constexpr std::size_t kMaxHeaderBytes = std::size_t{64} * 1024;
// Less than 1 byte/s for 15 s is a stalled transfer; end it without waiting for the total
// timeout (CURLOPT_LOW_SPEED_LIMIT / CURLOPT_LOW_SPEED_TIME). A slow but moving body is ended by
// the total timeout instead.
constexpr long kLowSpeedLimitBytes = 1;
constexpr long kLowSpeedTimeSeconds = 15;

struct CurlEasyDeleter {
  void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
struct CurlSlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using CurlEasy = std::unique_ptr<CURL, CurlEasyDeleter>;
using CurlSlist = std::unique_ptr<curl_slist, CurlSlistDeleter>;

struct Transfer {
  HttpResponse response;
  std::size_t max_body = 0;
  std::size_t header_bytes = 0;
  bool body_too_large = false;
  bool headers_too_large = false;
};

std::size_t OnBody(char* data, std::size_t size, std::size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  const std::size_t n = size * count;
  if (n > transfer->max_body - transfer->response.body.size()) {
    transfer->body_too_large = true;
    return 0;  // anything but n aborts the transfer with CURLE_WRITE_ERROR: stop at the cap
  }
  transfer->response.body.append(data, n);
  return n;
}

std::string_view TrimOws(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

// curl calls this once per header line, status lines included.
std::size_t OnHeader(char* data, std::size_t size, std::size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  const std::size_t n = size * count;
  transfer->header_bytes += n;
  if (transfer->header_bytes > kMaxHeaderBytes) {
    transfer->headers_too_large = true;
    return 0;
  }
  const std::string_view raw(data, n);
  HttpHeaders& headers = transfer->response.headers;
  if (raw.substr(0, 5) == "HTTP/") {
    headers.clear();  // a new response begins (after 100 Continue): keep only the final one
    return n;
  }
  if (!raw.empty() && (raw.front() == ' ' || raw.front() == '\t')) {
    const std::string_view more = TrimOws(raw);
    if (!headers.empty() && !more.empty()) {
      headers.back().second.append(" ").append(more);  // obs-fold, RFC 9112 §5.2
    }
    return n;
  }
  const std::size_t colon = raw.find(':');
  if (colon == std::string_view::npos || colon == 0) return n;  // blank line ending the block
  headers.emplace_back(std::string(raw.substr(0, colon)),
                       std::string(TrimOws(raw.substr(colon + 1))));
  return n;
}

// RFC 9110 §5.6.2 tchar: what a method or header name may be made of.
bool IsToken(std::string_view s) {
  if (s.empty()) return false;
  for (const char c : s) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alnum && std::string_view("!#$%&'*+-.^_`|~").find(c) == std::string_view::npos) {
      return false;
    }
  }
  return true;
}

bool IsSafeHeaderValue(std::string_view s) {
  return s.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

ErrorKind KindOf(CURLcode code) {
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
      return ErrorKind::kTimeout;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:  // Content-Length promised more than arrived before the close
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_SSL_CONNECT_ERROR:  // handshake cut short: usually a reset, not a bad certificate
      return ErrorKind::kUnavailable;
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return ErrorKind::kInvalid;
    case CURLE_FILESIZE_EXCEEDED:
      return ErrorKind::kTooLarge;
    default:
      return ErrorKind::kOther;  // TLS verification failures land here: never retried
  }
}

// Records the first failing setopt so Send checks once.
class Options {
 public:
  explicit Options(CURL* handle) : handle_(handle) {}
  template <class T>
  void Set(CURLoption option, T value) {
    if (code_ == CURLE_OK) code_ = curl_easy_setopt(handle_, option, value);
  }
  CURLcode Code() const { return code_; }

 private:
  CURL* handle_;
  CURLcode code_ = CURLE_OK;
};

class CurlHttpClient final : public HttpClient {
 public:
  Result<HttpResponse> Send(const HttpRequest& request) override;
};

Result<HttpResponse> CurlHttpClient::Send(const HttpRequest& request) {
  static std::once_flag init_once;
  static CURLcode init_code = CURLE_OK;
  std::call_once(init_once, [] { init_code = curl_global_init(CURL_GLOBAL_DEFAULT); });

  // Messages may reach logs: no control bytes from a caller-supplied method or URL.
  std::string where = request.method + " " + RedactUrl(request.url);
  std::replace_if(
      where.begin(), where.end(), [](char c) { return c >= 0 && c < 0x20; }, '?');
  auto fail = [&where](ErrorKind kind, std::string_view what) {
    return MakeError(kind, where + ": " + std::string(what));
  };
  if (init_code != CURLE_OK) return fail(ErrorKind::kOther, curl_easy_strerror(init_code));
  const auto url = ParseUrl(request.url);
  if (!url || (url->scheme != "http" && url->scheme != "https")) {
    return fail(ErrorKind::kInvalid, "not a valid http(s) URL");
  }
  if (!IsToken(request.method)) return fail(ErrorKind::kInvalid, "invalid method");
  if (request.total_timeout <= milliseconds(0)) {
    return fail(ErrorKind::kInvalid, "total timeout must be positive");
  }

  // CURLOPT_TIMEOUT_MS 0 would mean "no limit": every value below is at least 1 ms.
  milliseconds total = request.total_timeout;
  const auto now = std::chrono::steady_clock::now();
  if (request.deadline != std::chrono::steady_clock::time_point::max()) {
    if (request.deadline <= now) return fail(ErrorKind::kTimeout, "the run's deadline has passed");
    total = std::min(total, std::chrono::ceil<milliseconds>(request.deadline - now));
  }
  const milliseconds connect =
      request.connect_timeout > milliseconds(0) ? std::min(request.connect_timeout, total) : total;

  CurlSlist header_list;
  auto append = [&header_list](const std::string& line) {
    curl_slist* grown = curl_slist_append(header_list.get(), line.c_str());
    if (grown == nullptr) return false;
    (void)header_list.release();  // now owned through `grown`
    header_list.reset(grown);
    return true;
  };
  for (const auto& [name, value] : request.headers) {
    if (!IsToken(name) || !IsSafeHeaderValue(value)) {
      return fail(ErrorKind::kInvalid, "invalid header name or value");
    }
    // "Name;" is curl's spelling of a header with an empty value (CURLOPT_HTTPHEADER).
    std::string line = name;
    line.append(value.empty() ? ";" : ": ").append(value);
    if (!append(line)) {
      return fail(ErrorKind::kOther, "out of memory");
    }
  }
  // No "Expect: 100-continue" round trip on large bodies: our servers answer at once.
  if (FindHeader(request.headers, "expect") == nullptr && !append("Expect:"))
    return fail(ErrorKind::kOther, "out of memory");

  CurlEasy easy(curl_easy_init());
  if (!easy) return fail(ErrorKind::kOther, "curl_easy_init failed");
  Transfer transfer;
  transfer.max_body = request.max_response_bytes;
  char error_text[CURL_ERROR_SIZE] = {};

  Options o(easy.get());
  o.Set(CURLOPT_URL, request.url.c_str());
  o.Set(CURLOPT_ERRORBUFFER, error_text);
  o.Set(CURLOPT_NOSIGNAL, 1L);       // no SIGALRM for timeouts: we are multi-threaded
#if LIBCURL_VERSION_NUM >= 0x075500  // CURLOPT_PROTOCOLS_STR since 7.85.0
  o.Set(CURLOPT_PROTOCOLS_STR, "http,https");
#else
  o.Set(CURLOPT_PROTOCOLS, static_cast<long>(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
  // No redirects: IMDS, HIMDS, token endpoints and ARM answer directly, and a followed redirect
  // would take the request (and any bearer token) to a host BearerAllowed never saw. A 3xx comes
  // back to the caller as a response.
  o.Set(CURLOPT_FOLLOWLOCATION, 0L);
  o.Set(CURLOPT_SSL_VERIFYPEER, 1L);
  o.Set(CURLOPT_SSL_VERIFYHOST, 2L);
  o.Set(CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(connect.count()));
  o.Set(CURLOPT_TIMEOUT_MS, static_cast<long>(total.count()));
  o.Set(CURLOPT_LOW_SPEED_LIMIT, kLowSpeedLimitBytes);
  o.Set(CURLOPT_LOW_SPEED_TIME, kLowSpeedTimeSeconds);
  if (request.max_response_bytes > 0) {  // 0 would mean "no limit" to curl; OnBody still caps
    // Refuses early when Content-Length already says too much.
    const auto limit =
        std::min<std::size_t>(request.max_response_bytes, std::numeric_limits<curl_off_t>::max());
    o.Set(CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(limit));
  }
  o.Set(CURLOPT_WRITEFUNCTION, &OnBody);
  o.Set(CURLOPT_WRITEDATA, static_cast<void*>(&transfer));
  o.Set(CURLOPT_HEADERFUNCTION, &OnHeader);
  o.Set(CURLOPT_HEADERDATA, static_cast<void*>(&transfer));
  o.Set(CURLOPT_SUPPRESS_CONNECT_HEADERS, 1L);  // a proxy's CONNECT reply is not the response
  switch (request.proxy.mode) {
    case HttpProxy::Mode::kFromEnvironment:
      break;  // curl reads http_proxy, https_proxy, no_proxy itself
    case HttpProxy::Mode::kNone:
      o.Set(CURLOPT_PROXY, "");
      o.Set(CURLOPT_NOPROXY, "*");
      break;
    case HttpProxy::Mode::kUrl:
      o.Set(CURLOPT_PROXY, request.proxy.url.c_str());
      o.Set(CURLOPT_NOPROXY, "");  // "" = proxy every host, whatever no_proxy says
      break;
  }
  if (request.method == "HEAD") {
    o.Set(CURLOPT_NOBODY, 1L);
  } else if (request.method == "GET" && request.body.empty()) {
    o.Set(CURLOPT_HTTPGET, 1L);
  } else {
    o.Set(CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    o.Set(CURLOPT_POSTFIELDS, request.body.c_str());
    if (request.method != "POST") o.Set(CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }
  o.Set(CURLOPT_HTTPHEADER, header_list.get());
  if (o.Code() != CURLE_OK) return fail(ErrorKind::kOther, curl_easy_strerror(o.Code()));

  const CURLcode code = curl_easy_perform(easy.get());
  if (transfer.body_too_large || code == CURLE_FILESIZE_EXCEEDED) {
    return fail(ErrorKind::kTooLarge, "response body is larger than the " +
                                          std::to_string(request.max_response_bytes) +
                                          "-byte limit; stopped reading there");
  }
  if (transfer.headers_too_large) {
    return fail(ErrorKind::kTooLarge,
                "response headers exceed " + std::to_string(kMaxHeaderBytes) + " bytes");
  }
  if (code != CURLE_OK) {
    std::string what = error_text[0] != '\0' ? error_text : curl_easy_strerror(code);
    if (code == CURLE_PARTIAL_FILE) what = "response body truncated (" + what + ")";
    return fail(KindOf(code), what);
  }
  long status = 0;
  if (curl_easy_getinfo(easy.get(), CURLINFO_RESPONSE_CODE, &status) != CURLE_OK || status <= 0) {
    return fail(ErrorKind::kOther, "no HTTP status in the response");
  }
  transfer.response.status = static_cast<int>(status);
  return std::move(transfer.response);
}

}  // namespace

std::unique_ptr<HttpClient> MakeHttpClient() { return std::make_unique<CurlHttpClient>(); }

}  // namespace preflight

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
#include "platform/http_request_rules.h"
#include "platform/linux/curl_util.h"

namespace preflight {
namespace {

// Less than 1 byte/s for 15 s is a stalled transfer; end it without waiting for the total
// timeout (CURLOPT_LOW_SPEED_LIMIT / CURLOPT_LOW_SPEED_TIME). A slow but moving body is ended by
// the total timeout instead.
constexpr long kLowSpeedLimitBytes = 1;
constexpr long kLowSpeedTimeSeconds = 15;

struct CurlSlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
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

// curl calls this once per header line, status lines included.
std::size_t OnHeader(char* data, std::size_t size, std::size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  const std::size_t n = size * count;
  transfer->header_bytes += n;
  if (transfer->header_bytes > kMaxResponseHeaderBytes) {
    transfer->headers_too_large = true;
    return 0;
  }
  AddResponseHeaderLine(transfer->response.headers, std::string_view(data, n));
  return n;
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

using Options = CurlOptions;

// Everything one Send owns. curl keeps pointers to the header list, `transfer` and `error_text`
// until the easy handle is cleaned up, so a Call never moves, and `easy` is declared last so that
// it is cleaned up first.
struct Call {
  Call(const HttpRequest& r, CheckedHttpRequest c) : request(r), checked(std::move(c)) {
    transfer.max_body = r.max_response_bytes;
  }
  Call(const Call&) = delete;
  Call& operator=(const Call&) = delete;

  Error Fail(ErrorKind kind, std::string_view what) const {
    return HttpError(checked.where, kind, what);
  }

  const HttpRequest& request;
  const CheckedHttpRequest checked;
  CurlSlist header_list;
  Transfer transfer;
  char error_text[CURL_ERROR_SIZE] = {};
  CurlEasy easy;
};

bool AppendHeader(CurlSlist& list, const std::string& line) {
  curl_slist* grown = curl_slist_append(list.get(), line.c_str());
  if (grown == nullptr) return false;
  (void)list.release();  // now owned through `grown`
  list.reset(grown);
  return true;
}

// The request's headers, already checked by CheckHttpRequest, as curl's list.
bool BuildHeaderList(const HttpHeaders& headers, CurlSlist& list) {
  for (const auto& [name, value] : headers) {
    // "Name;" is curl's spelling of a header with an empty value (CURLOPT_HTTPHEADER).
    std::string line = name;
    line.append(value.empty() ? ";" : ": ").append(value);
    if (!AppendHeader(list, line)) return false;
  }
  // No "Expect: 100-continue" round trip on large bodies: our servers answer at once.
  return FindHeader(headers, "expect") != nullptr || AppendHeader(list, "Expect:");
}

void SetTransferOptions(Options& o, Call& call) {
  o.Set(CURLOPT_URL, call.request.url.c_str());
  o.Set(CURLOPT_ERRORBUFFER, call.error_text);
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
  // CURLOPT_TIMEOUT_MS 0 would mean "no limit": CheckHttpRequest makes both at least 1 ms.
  o.Set(CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(call.checked.connect.count()));
  o.Set(CURLOPT_TIMEOUT_MS, static_cast<long>(call.checked.total.count()));
  o.Set(CURLOPT_LOW_SPEED_LIMIT, kLowSpeedLimitBytes);
  o.Set(CURLOPT_LOW_SPEED_TIME, kLowSpeedTimeSeconds);
  if (call.request.max_response_bytes > 0) {  // 0 would mean "no limit" to curl; OnBody caps
    // Refuses early when Content-Length already says too much.
    const auto limit = std::min<std::size_t>(call.request.max_response_bytes,
                                             std::numeric_limits<curl_off_t>::max());
    o.Set(CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(limit));
  }
  o.Set(CURLOPT_WRITEFUNCTION, &OnBody);
  o.Set(CURLOPT_WRITEDATA, static_cast<void*>(&call.transfer));
  o.Set(CURLOPT_HEADERFUNCTION, &OnHeader);
  o.Set(CURLOPT_HEADERDATA, static_cast<void*>(&call.transfer));
  o.Set(CURLOPT_SUPPRESS_CONNECT_HEADERS, 1L);  // a proxy's CONNECT reply is not the response
}

void SetProxyOptions(Options& o, const HttpProxy& proxy) {
  switch (proxy.mode) {
    case HttpProxy::Mode::kFromEnvironment:
      break;  // curl reads http_proxy, https_proxy, no_proxy itself
    case HttpProxy::Mode::kNone:
      o.Set(CURLOPT_PROXY, "");
      o.Set(CURLOPT_NOPROXY, "*");
      break;
    case HttpProxy::Mode::kUrl:
      o.Set(CURLOPT_PROXY, proxy.url.c_str());
      o.Set(CURLOPT_NOPROXY, "");  // "" = proxy every host, whatever no_proxy says
      break;
  }
}

void SetMethodOptions(Options& o, const HttpRequest& request) {
  if (request.method == "HEAD") {
    o.Set(CURLOPT_NOBODY, 1L);
  } else if (request.method == "GET" && request.body.empty()) {
    o.Set(CURLOPT_HTTPGET, 1L);
  } else {
    o.Set(CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    o.Set(CURLOPT_POSTFIELDS, request.body.c_str());
    if (request.method != "POST") o.Set(CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }
}

// Prepare: the easy handle with every option of the exchange set.
Result<Done> Prepare(Call& call) {
  if (!BuildHeaderList(call.request.headers, call.header_list)) {
    return call.Fail(ErrorKind::kOther, "out of memory");
  }
  call.easy.reset(curl_easy_init());
  if (!call.easy) return call.Fail(ErrorKind::kOther, "curl_easy_init failed");
  Options o(call.easy.get());
  SetTransferOptions(o, call);
  SetProxyOptions(o, call.request.proxy);
  SetMethodOptions(o, call.request);
  o.Set(CURLOPT_HTTPHEADER, call.header_list.get());
  if (o.Code() != CURLE_OK) return call.Fail(ErrorKind::kOther, curl_easy_strerror(o.Code()));
  return Done{};
}

// Collect: the response, or what ended the transfer (the caps first: they end it on purpose).
Result<HttpResponse> Collect(Call& call, CURLcode code) {
  if (call.transfer.body_too_large || code == CURLE_FILESIZE_EXCEEDED) {
    return call.Fail(ErrorKind::kTooLarge, BodyTooLargeText(call.request.max_response_bytes));
  }
  if (call.transfer.headers_too_large) {
    return call.Fail(ErrorKind::kTooLarge, HeadersTooLargeText());
  }
  if (code != CURLE_OK) {
    std::string what = call.error_text[0] != '\0' ? call.error_text : curl_easy_strerror(code);
    if (code == CURLE_PARTIAL_FILE) what = TruncatedBodyText(what);
    return call.Fail(KindOf(code), what);
  }
  long status = 0;
  if (curl_easy_getinfo(call.easy.get(), CURLINFO_RESPONSE_CODE, &status) != CURLE_OK ||
      status <= 0) {
    return call.Fail(ErrorKind::kOther, "no HTTP status in the response");
  }
  call.transfer.response.status = static_cast<int>(status);
  return std::move(call.transfer.response);
}

class CurlHttpClient final : public HttpClient {
 public:
  Result<HttpResponse> Send(const HttpRequest& request) override {
    auto checked = CheckHttpRequest(request, std::chrono::steady_clock::now());
    if (!checked.Ok()) return checked.Err();
    Call call(request, std::move(checked).Value());
    if (const CURLcode init = CurlGlobalInit(); init != CURLE_OK) {
      return call.Fail(ErrorKind::kOther, curl_easy_strerror(init));
    }
    if (auto prepared = Prepare(call); !prepared.Ok()) return prepared.Err();
    // Perform: one blocking exchange, bounded by the timeouts set in Prepare.
    const CURLcode code = curl_easy_perform(call.easy.get());
    return Collect(call, code);
  }
};

}  // namespace

CURLcode CurlGlobalInit() {
  static std::once_flag init_once;
  static CURLcode init_code = CURLE_OK;
  std::call_once(init_once, [] { init_code = curl_global_init(CURL_GLOBAL_DEFAULT); });
  return init_code;
}

std::unique_ptr<HttpClient> MakeHttpClient() { return std::make_unique<CurlHttpClient>(); }

}  // namespace preflight

// Connection probe over libcurl's easy API: one handle per probe, the stages read back from
// curl's timers (https://curl.se/libcurl/c/curl_easy_getinfo.html: NAMELOOKUP, CONNECT,
// APPCONNECT, STARTTRANSFER, each from the start of the transfer) and the presented chain from
// CURLOPT_CERTINFO, hashed with OpenSSL (the TLS library libcurl uses on Debian).

#include <curl/curl.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "platform/connection_probe.h"
#include "platform/linux/curl_util.h"

namespace preflight {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

// A status line and its headers are all a probe needs; a body is read no further than this.
constexpr std::size_t kMaxProbeBodyBytes = std::size_t{64} * 1024;
// A presented chain longer than this is hostile; the rest is not examined.
constexpr int kMaxChainCertificates = 16;

// When each stage ended, as curl's callbacks saw it. curl's own CONNECT / APPCONNECT timers read
// 0 after a failed transfer, so the stages are observed instead: the socket is created once the
// name is resolved (CURLOPT_SOCKOPTFUNCTION); the first bytes out (a CONNECT request or a TLS
// ClientHello) mean the TCP connection stands; the proxy's reply ends the tunnel; the request's
// headers go out once TLS is up; the response's first header ends HTTP (CURLOPT_DEBUGFUNCTION).
struct Exchange {
  bool via_proxy = false;
  Clock::time_point started;
  std::optional<Clock::time_point> resolved, connected, tunnelled, secured, answered;
  std::size_t body_bytes = 0;
};

std::size_t OnProbeBody(char*, std::size_t size, std::size_t count, void* user) {
  auto* exchange = static_cast<Exchange*>(user);
  exchange->body_bytes += size * count;
  return exchange->body_bytes > kMaxProbeBodyBytes ? 0 : size * count;
}

int OnSocket(void* user, curl_socket_t, curlsocktype) {
  auto* exchange = static_cast<Exchange*>(user);
  if (!exchange->resolved) exchange->resolved = Clock::now();
  return CURL_SOCKOPT_OK;
}

void Mark(std::optional<Clock::time_point>& when) {
  if (!when) when = Clock::now();
}

int OnDebug(CURL*, curl_infotype type, char*, std::size_t, void* user) {
  auto* e = static_cast<Exchange*>(user);
  const bool tunnel_pending = e->via_proxy && !e->tunnelled;
  switch (type) {
    case CURLINFO_HEADER_OUT:
      Mark(e->connected);
      if (!tunnel_pending) Mark(e->secured);
      break;
    case CURLINFO_SSL_DATA_OUT:
      Mark(e->connected);
      break;
    case CURLINFO_HEADER_IN:
      if (tunnel_pending) {
        Mark(e->tunnelled);
      } else if (e->secured) {
        Mark(e->answered);
      }
      break;
    default:
      break;
  }
  return 0;
}

struct BioDeleter {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct X509Deleter {
  void operator()(X509* cert) const { X509_free(cert); }
};

std::string NameText(const X509_NAME* name) {
  std::unique_ptr<BIO, BioDeleter> out(BIO_new(BIO_s_mem()));
  if (!out || X509_NAME_print_ex(out.get(), name, 0, XN_FLAG_RFC2253) < 0) return {};
  char* data = nullptr;
  const long size = BIO_get_mem_data(out.get(), &data);
  return size > 0 ? std::string(data, static_cast<std::size_t>(size)) : std::string();
}

std::string SpkiSha256(X509* cert) {
  unsigned char* der = nullptr;
  const int size = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(cert), &der);
  if (size <= 0) return {};
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_size = 0;
  const int ok =
      EVP_Digest(der, static_cast<std::size_t>(size), digest, &digest_size, EVP_sha256(), nullptr);
  OPENSSL_free(der);
  if (ok != 1) return {};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < digest_size; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 0xF]);
  }
  return hex;
}

// libcurl's certinfo gives each certificate as "Name:value" lines; "Cert:" holds the PEM.
std::optional<PresentedCertificate> FromCertinfo(const curl_slist* lines) {
  constexpr std::string_view kCert = "Cert:";
  for (const curl_slist* line = lines; line != nullptr; line = line->next) {
    const std::string_view text(line->data);
    if (text.substr(0, kCert.size()) != kCert) continue;
    const std::string_view pem = text.substr(kCert.size());
    std::unique_ptr<BIO, BioDeleter> in(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    if (!in) return std::nullopt;
    std::unique_ptr<X509, X509Deleter> cert(PEM_read_bio_X509(in.get(), nullptr, nullptr, nullptr));
    if (!cert) return std::nullopt;
    return PresentedCertificate{NameText(X509_get_subject_name(cert.get())),
                                NameText(X509_get_issuer_name(cert.get())), SpkiSha256(cert.get())};
  }
  return std::nullopt;
}

void ReadChain(CURL* easy, ConnectionProbeResult& result) {
  curl_certinfo* info = nullptr;
  if (curl_easy_getinfo(easy, CURLINFO_CERTINFO, &info) != CURLE_OK || info == nullptr) return;
  for (int i = 0; i < info->num_of_certs && i < kMaxChainCertificates; ++i) {
    if (auto cert = FromCertinfo(info->certinfo[i])) result.chain.push_back(std::move(*cert));
  }
}

milliseconds Between(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration_cast<milliseconds>(to - from);
}

// The stage a failed exchange stopped in: the first one whose end was not seen.
ProbeStage FailedStage(CURLcode code, const Exchange& e, int proxy_status) {
  if (code == CURLE_COULDNT_RESOLVE_HOST || code == CURLE_COULDNT_RESOLVE_PROXY) {
    return ProbeStage::kDns;
  }
  if (code == CURLE_COULDNT_CONNECT) return ProbeStage::kConnect;
  if (!e.resolved) return ProbeStage::kDns;
  if (!e.connected) return ProbeStage::kConnect;
  if (e.via_proxy && (!e.tunnelled || proxy_status != 200)) return ProbeStage::kProxy;
  if (!e.secured) return ProbeStage::kTls;
  return ProbeStage::kHttp;
}

// Each stage's duration, from one mark to the next; a stage not finished has none.
void FillTimings(const Exchange& e, Clock::time_point ended, ConnectionProbeResult& r) {
  if (e.resolved) r.dns = Between(e.started, *e.resolved);
  if (e.resolved && e.connected) r.connect = Between(*e.resolved, *e.connected);
  if (e.connected && e.tunnelled) r.proxy = Between(*e.connected, *e.tunnelled);
  const auto tls_from = e.via_proxy ? e.tunnelled : e.connected;
  if (tls_from && e.secured) r.tls = Between(*tls_from, *e.secured);
  if (e.secured && e.answered) r.http = Between(*e.secured, *e.answered);
  r.total = Between(e.started, ended);
}

void SetProbeOptions(CurlOptions& o, const ConnectionProbeRequest& request, Exchange& exchange,
                     char* error_text) {
  o.Set(CURLOPT_URL, request.url.c_str());
  o.Set(CURLOPT_ERRORBUFFER, error_text);
  o.Set(CURLOPT_NOSIGNAL, 1L);
#if LIBCURL_VERSION_NUM >= 0x075500  // CURLOPT_PROTOCOLS_STR since 7.85.0
  o.Set(CURLOPT_PROTOCOLS_STR, "https");
#else
  o.Set(CURLOPT_PROTOCOLS, static_cast<long>(CURLPROTO_HTTPS));
#endif
  o.Set(CURLOPT_FOLLOWLOCATION, 0L);
  o.Set(CURLOPT_HTTPGET, 1L);
  // The chain is examined, not trusted: the caller compares its root with the roots MDE's
  // services chain to. Nothing secret is sent (a GET without credentials or cookies).
  o.Set(CURLOPT_SSL_VERIFYPEER, 0L);
  o.Set(CURLOPT_SSL_VERIFYHOST, 0L);
  o.Set(CURLOPT_CERTINFO, 1L);
  const long timeout = std::max<long>(1, static_cast<long>(request.timeout.count()));
  o.Set(CURLOPT_CONNECTTIMEOUT_MS, timeout);
  o.Set(CURLOPT_TIMEOUT_MS, timeout);
  o.Set(CURLOPT_FORBID_REUSE, 1L);
  o.Set(CURLOPT_WRITEFUNCTION, &OnProbeBody);
  o.Set(CURLOPT_WRITEDATA, static_cast<void*>(&exchange));
  o.Set(CURLOPT_SOCKOPTFUNCTION, &OnSocket);
  o.Set(CURLOPT_SOCKOPTDATA, static_cast<void*>(&exchange));
  // The debug callback sees every stage; nothing is printed (it is ours, not stderr).
  o.Set(CURLOPT_DEBUGFUNCTION, &OnDebug);
  o.Set(CURLOPT_DEBUGDATA, static_cast<void*>(&exchange));
  o.Set(CURLOPT_VERBOSE, 1L);
  if (request.proxy_url.empty()) {
    o.Set(CURLOPT_PROXY, "");
    o.Set(CURLOPT_NOPROXY, "*");
  } else {
    o.Set(CURLOPT_PROXY, request.proxy_url.c_str());
    o.Set(CURLOPT_NOPROXY, "");
    o.Set(CURLOPT_HTTPPROXYTUNNEL, 1L);
  }
}

class CurlConnectionProber final : public ConnectionProber {
 public:
  ConnectionProbeResult Probe(const ConnectionProbeRequest& request) const override {
    ConnectionProbeResult r;
    r.via_proxy = !request.proxy_url.empty();
    CurlEasy easy(curl_easy_init());
    if (CurlGlobalInit() != CURLE_OK || !easy) {
      r.failed_stage = ProbeStage::kDns;
      r.error = "libcurl could not start";
      return r;
    }
    Exchange exchange;
    char error_text[CURL_ERROR_SIZE] = {};
    CurlOptions o(easy.get());
    SetProbeOptions(o, request, exchange, error_text);
    if (o.Code() != CURLE_OK) {
      r.failed_stage = ProbeStage::kDns;
      r.error = curl_easy_strerror(o.Code());
      return r;
    }
    exchange.via_proxy = r.via_proxy;
    exchange.started = Clock::now();
    CURLcode code = curl_easy_perform(easy.get());
    const auto ended = Clock::now();
    long status = 0;
    long connect_code = 0;
    curl_easy_getinfo(easy.get(), CURLINFO_RESPONSE_CODE, &status);
    curl_easy_getinfo(easy.get(), CURLINFO_HTTP_CONNECTCODE, &connect_code);
    if (code == CURLE_WRITE_ERROR && status > 0) code = CURLE_OK;  // the body cap, on purpose
    FillTimings(exchange, ended, r);
    ReadChain(easy.get(), r);
    r.proxy_status = static_cast<int>(connect_code);
    if (code == CURLE_OK && status > 0) {
      r.status = static_cast<int>(status);
      return r;
    }
    r.failed_stage = FailedStage(code, exchange, r.proxy_status);
    r.timed_out = code == CURLE_OPERATION_TIMEDOUT;
    r.error = error_text[0] != '\0' ? error_text : curl_easy_strerror(code);
    return r;
  }
};

}  // namespace

std::unique_ptr<ConnectionProber> MakeConnectionProber() {
  return std::make_unique<CurlConnectionProber>();
}

}  // namespace preflight

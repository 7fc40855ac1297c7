// Connection probe over synchronous WinHTTP, as Sense connects (as LocalSystem, through WinHTTP;
// defender-docs configure-proxy-internet.md). The stages are marked from WinHTTP's status
// callback (NAME_RESOLVED, CONNECTED_TO_SERVER, REQUEST_SENT, RESPONSE_RECEIVED:
// https://learn.microsoft.com/windows/win32/api/winhttp/nc-winhttp-winhttp_status_callback);
// a proxy's CONNECT happens inside WinHttpSendRequest, so its time is part of the TLS stage. The
// chain is the server certificate context (WINHTTP_OPTION_SERVER_CERT_CONTEXT) built with
// CertGetCertificateChain against the presented certificates and the machine's stores.

#include <windows.h>

#include <bcrypt.h>
#include <wincrypt.h>
#include <winhttp.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "platform/connection_probe.h"
#include "platform/http_parsers.h"
#include "platform/windows/win32_util.h"
#include "platform/windows/winhttp_util.h"

namespace preflight {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

// HTTP 407 Proxy Authentication Required (RFC 9110 §15.5.8): WinHTTP hands it back as the
// response, for the caller to authenticate and resend.
constexpr DWORD kProxyAuthRequired = 407;
// A presented chain longer than this is hostile; the rest is not examined.
constexpr DWORD kMaxChainCertificates = 16;

struct Marks {
  Clock::time_point started;
  std::optional<Clock::time_point> resolved, connected, sent, answered;
};

void CALLBACK OnStatus(HINTERNET, DWORD_PTR context, DWORD status, LPVOID, DWORD) {
  // NOLINTNEXTLINE(performance-no-int-to-ptr): WinHTTP hands the context back as a DWORD_PTR.
  auto* marks = reinterpret_cast<Marks*>(context);
  if (marks == nullptr) return;
  const auto mark = [](std::optional<Clock::time_point>& when) {
    if (!when) when = Clock::now();
  };
  switch (status) {
    case WINHTTP_CALLBACK_STATUS_NAME_RESOLVED:
      mark(marks->resolved);
      break;
    case WINHTTP_CALLBACK_STATUS_CONNECTED_TO_SERVER:
      mark(marks->resolved);
      mark(marks->connected);
      break;
    case WINHTTP_CALLBACK_STATUS_REQUEST_SENT:
      mark(marks->sent);
      break;
    case WINHTTP_CALLBACK_STATUS_RESPONSE_RECEIVED:
      mark(marks->answered);
      break;
    default:
      break;
  }
}

std::string NameText(const CERT_NAME_BLOB& name) {
  // RFC 2253 order (most specific first), "," between parts, as OpenSSL prints it on Linux.
  const DWORD flags =
      CERT_X500_NAME_STR | CERT_NAME_STR_REVERSE_FLAG | CERT_NAME_STR_NO_QUOTING_FLAG;
  CERT_NAME_BLOB copy = name;
  const DWORD size = ::CertNameToStrW(X509_ASN_ENCODING, &copy, flags, nullptr, 0);
  if (size <= 1) return {};
  std::wstring text(size, L'\0');
  ::CertNameToStrW(X509_ASN_ENCODING, &copy, flags, text.data(), size);
  text.resize(size - 1);
  std::string out = win32::Narrow(text);
  for (std::size_t at = out.find(", "); at != std::string::npos; at = out.find(", ", at)) {
    out.erase(at + 1, 1);
  }
  for (std::size_t at = out.find(",S="); at != std::string::npos; at = out.find(",S=", at)) {
    out.replace(at, 3, ",ST=");
  }
  return out;
}

std::string Sha256Hex(const BYTE* data, DWORD size) {
  BYTE digest[32] = {};
  BCRYPT_ALG_HANDLE sha256 = nullptr;
  if (!BCRYPT_SUCCESS(
          ::BCryptOpenAlgorithmProvider(&sha256, BCRYPT_SHA256_ALGORITHM, nullptr, 0))) {
    return {};
  }
  const NTSTATUS hashed =
      ::BCryptHash(sha256, nullptr, 0, const_cast<PUCHAR>(data), size, digest, sizeof digest);
  ::BCryptCloseAlgorithmProvider(sha256, 0);
  if (!BCRYPT_SUCCESS(hashed)) return {};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (BYTE b : digest) {
    hex.push_back(kHex[b >> 4]);
    hex.push_back(kHex[b & 0xF]);
  }
  return hex;
}

std::string SpkiSha256(PCCERT_CONTEXT cert) {
  BYTE* der = nullptr;
  DWORD size = 0;
  if (!::CryptEncodeObjectEx(X509_ASN_ENCODING, X509_PUBLIC_KEY_INFO,
                             &cert->pCertInfo->SubjectPublicKeyInfo, CRYPT_ENCODE_ALLOC_FLAG,
                             nullptr, &der, &size)) {
    return {};
  }
  std::string hex = Sha256Hex(der, size);
  ::LocalFree(der);
  return hex;
}

// The chain Windows builds from the server's certificate: the presented ones and the machine's
// stores, up to a root when one is found (trusted or not: only its key is compared).
void ReadChain(HINTERNET request, ConnectionProbeResult& r) {
  PCCERT_CONTEXT leaf = nullptr;
  DWORD size = sizeof(PCCERT_CONTEXT);  // the option's buffer is the pointer itself
  if (!::WinHttpQueryOption(request, WINHTTP_OPTION_SERVER_CERT_CONTEXT, &leaf, &size) ||
      leaf == nullptr) {
    return;
  }
  CERT_CHAIN_PARA para = {};
  para.cbSize = sizeof para;
  PCCERT_CHAIN_CONTEXT chain = nullptr;
  if (::CertGetCertificateChain(nullptr, leaf, nullptr, leaf->hCertStore, &para, 0, nullptr,
                                &chain) &&
      chain != nullptr && chain->cChain > 0) {
    const CERT_SIMPLE_CHAIN* simple = chain->rgpChain[0];
    for (DWORD i = 0; i < simple->cElement && i < kMaxChainCertificates; ++i) {
      PCCERT_CONTEXT cert = simple->rgpElement[i]->pCertContext;
      r.chain.push_back({NameText(cert->pCertInfo->Subject), NameText(cert->pCertInfo->Issuer),
                         SpkiSha256(cert)});
    }
  }
  if (chain != nullptr) ::CertFreeCertificateChain(chain);
  ::CertFreeCertificateContext(leaf);
}

milliseconds Between(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration_cast<milliseconds>(to - from);
}

void FillTimings(const Marks& m, ConnectionProbeResult& r) {
  if (m.resolved) r.dns = Between(m.started, *m.resolved);
  if (m.resolved && m.connected) r.connect = Between(*m.resolved, *m.connected);
  if (m.connected && m.sent) r.tls = Between(*m.connected, *m.sent);
  if (m.sent && m.answered) r.http = Between(*m.sent, *m.answered);
  r.total = Between(m.started, Clock::now());
}

bool IsTlsError(DWORD code) {
  switch (code) {
    case ERROR_WINHTTP_SECURE_FAILURE:
    case ERROR_WINHTTP_SECURE_CHANNEL_ERROR:
    case ERROR_WINHTTP_SECURE_INVALID_CERT:
    case ERROR_WINHTTP_SECURE_CERT_DATE_INVALID:
    case ERROR_WINHTTP_SECURE_CERT_CN_INVALID:
    case ERROR_WINHTTP_SECURE_INVALID_CA:
    case ERROR_WINHTTP_SECURE_CERT_REV_FAILED:
    case ERROR_WINHTTP_SECURE_CERT_REVOKED:
    case ERROR_WINHTTP_SECURE_CERT_WRONG_USAGE:
      return true;
    default:
      return false;
  }
}

// The stage a failed exchange stopped in. The error code says it where it can: Wine's WinHTTP
// reports CONNECTED_TO_SERVER only once TLS is up, so a handshake that never completes shows as
// a TLS error there, not as a missing connection.
ProbeStage FailedStage(DWORD code, const Marks& m, bool via_proxy) {
  if (code == ERROR_WINHTTP_NAME_NOT_RESOLVED) return ProbeStage::kDns;
  if (code == ERROR_WINHTTP_CANNOT_CONNECT) return ProbeStage::kConnect;
  if (IsTlsError(code)) return ProbeStage::kTls;
  if (!m.resolved) return ProbeStage::kDns;
  if (!m.connected) return ProbeStage::kConnect;
  if (!m.sent) return via_proxy ? ProbeStage::kProxy : ProbeStage::kTls;
  return ProbeStage::kHttp;
}

struct Request {
  UniqueInternet session, connection, request;
};

// The proxy as WinHTTP names it: "host:port".
std::wstring ProxyName(const std::string& proxy_url) {
  const auto parsed = ParseUrl(proxy_url);
  if (!parsed) return {};
  const std::string host = parsed->ipv6 ? "[" + parsed->host + "]" : parsed->host;
  auto wide = win32::Wide(host + ":" + std::to_string(parsed->port), "the proxy");
  return wide.Ok() ? wide.Value() : std::wstring();
}

bool Open(const ConnectionProbeRequest& request, const ParsedUrl& url, Marks& marks, Request& h) {
  const std::wstring proxy = ProxyName(request.proxy_url);
  h.session.reset(::WinHttpOpen(
      L"mde-preflight",
      proxy.empty() ? WINHTTP_ACCESS_TYPE_NO_PROXY : WINHTTP_ACCESS_TYPE_NAMED_PROXY,
      proxy.empty() ? WINHTTP_NO_PROXY_NAME : proxy.c_str(), WINHTTP_NO_PROXY_BYPASS, 0));
  if (!h.session) return false;
  RequireModernTls(h.session.get());
  const auto host = win32::Wide(url.host, "the host");
  const auto target =
      win32::Wide(url.query.empty() ? url.path : url.path + "?" + url.query, "the path");
  if (!host.Ok() || !target.Ok()) return false;
  h.connection.reset(::WinHttpConnect(h.session.get(), host.Value().c_str(), url.port, 0));
  if (!h.connection) return false;
  h.request.reset(::WinHttpOpenRequest(h.connection.get(), L"GET", target.Value().c_str(), nullptr,
                                       WINHTTP_NO_REFERER, WINHTTP_DEFAULT_ACCEPT_TYPES,
                                       WINHTTP_FLAG_SECURE));
  if (!h.request) return false;
  // The chain is examined, not trusted (platform/connection_probe.h): nothing secret is sent.
  DWORD security = SECURITY_FLAG_IGNORE_UNKNOWN_CA | SECURITY_FLAG_IGNORE_CERT_DATE_INVALID |
                   SECURITY_FLAG_IGNORE_CERT_CN_INVALID | SECURITY_FLAG_IGNORE_CERT_WRONG_USAGE;
  ::WinHttpSetOption(h.request.get(), WINHTTP_OPTION_SECURITY_FLAGS, &security, sizeof security);
  const int timeout =
      static_cast<int>(std::clamp<long long>(request.timeout.count(), 1, 0x7FFFFFFF));
  DWORD receive = static_cast<DWORD>(timeout);
  ::WinHttpSetOption(h.request.get(), WINHTTP_OPTION_RECEIVE_RESPONSE_TIMEOUT, &receive,
                     sizeof receive);
  ::WinHttpSetStatusCallback(h.request.get(), &OnStatus, WINHTTP_CALLBACK_FLAG_ALL_NOTIFICATIONS,
                             0);
  DWORD_PTR context = reinterpret_cast<DWORD_PTR>(&marks);
  ::WinHttpSetOption(h.request.get(), WINHTTP_OPTION_CONTEXT_VALUE, &context, sizeof context);
  return ::WinHttpSetTimeouts(h.request.get(), timeout, timeout, timeout, timeout) != FALSE;
}

DWORD StatusCode(HINTERNET request) {
  DWORD status = 0;
  DWORD size = sizeof status;
  ::WinHttpQueryHeaders(request, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER,
                        WINHTTP_HEADER_NAME_BY_INDEX, &status, &size, WINHTTP_NO_HEADER_INDEX);
  return status;
}

class WinHttpConnectionProber final : public ConnectionProber {
 public:
  ConnectionProbeResult Probe(const ConnectionProbeRequest& request) const override {
    ConnectionProbeResult r;
    r.via_proxy = !request.proxy_url.empty();
    Marks marks;
    marks.started = Clock::now();
    const auto url = ParseUrl(request.url);
    Request h;
    if (!url || !Open(request, *url, marks, h)) {
      r.failed_stage = ProbeStage::kDns;
      r.error = "cannot prepare the request: " + DescribeWinHttpError(::GetLastError());
      return r;
    }
    BOOL ok = ::WinHttpSendRequest(h.request.get(), WINHTTP_NO_ADDITIONAL_HEADERS, 0,
                                   WINHTTP_NO_REQUEST_DATA, 0, 0, 0);
    if (ok) {
      ReadChain(h.request.get(), r);
      ok = ::WinHttpReceiveResponse(h.request.get(), nullptr);
    }
    const DWORD code = ok ? ERROR_SUCCESS : ::GetLastError();
    FillTimings(marks, r);
    if (ok) {
      const DWORD status = StatusCode(h.request.get());
      if (r.via_proxy && status == kProxyAuthRequired && r.chain.empty()) {
        r.proxy_status = static_cast<int>(status);
        r.failed_stage = ProbeStage::kProxy;
        r.error = "the proxy demands authentication";
        return r;
      }
      if (r.via_proxy) r.proxy_status = 200;
      r.status = static_cast<int>(status);
      return r;
    }
    r.failed_stage = FailedStage(code, marks, r.via_proxy);
    // Wine ends a silent TLS handshake with a channel error at the receive timeout.
    r.timed_out = code == ERROR_WINHTTP_TIMEOUT || code == WSAETIMEDOUT ||
                  r.total >= request.timeout - request.timeout / 20;
    r.error = DescribeWinHttpError(code);
    return r;
  }
};

}  // namespace

std::unique_ptr<ConnectionProber> MakeConnectionProber() {
  return std::make_unique<WinHttpConnectionProber>();
}

}  // namespace preflight

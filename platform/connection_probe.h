#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace preflight {

// The stages of one HTTPS exchange, in the order they happen. kProxy is the CONNECT through a
// proxy; it is skipped on a direct connection.
enum class ProbeStage { kDns, kConnect, kProxy, kTls, kHttp };

const char* ProbeStageName(ProbeStage stage);

// Where a probe goes and how. The proxy is decided by the caller (the way MDE would find it), so
// the transport never reads the environment's proxy settings itself.
struct ConnectionProbeRequest {
  std::string url;        // https://host[:port]/path
  std::string proxy_url;  // http://host:port; empty: a direct connection
  // The whole exchange, DNS to the first response byte; the caller derives it from its deadline.
  std::chrono::milliseconds timeout{10'000};
};

// One certificate as the server presented it, leaf first.
struct PresentedCertificate {
  std::string subject;      // RFC 2253-like distinguished name, "CN=...,O=..."
  std::string issuer;       // same form
  std::string spki_sha256;  // SHA-256 of the DER SubjectPublicKeyInfo, lower-case hex
};

struct ConnectionProbeResult {
  // Empty when the server answered with an HTTP status; else the stage that failed and why.
  std::optional<ProbeStage> failed_stage;
  std::string error;
  bool timed_out = false;
  int status = 0;        // HTTP status of the server's answer; 0 when none
  int proxy_status = 0;  // the proxy's answer to CONNECT; 0 when none (or no proxy)
  bool via_proxy = false;
  // Time each stage took; nullopt when it did not complete (or, kProxy, did not apply).
  std::optional<std::chrono::milliseconds> dns, connect, proxy, tls, http;
  std::chrono::milliseconds total{0};
  std::vector<PresentedCertificate> chain;
};

// Probes one URL through the platform's HTTPS stack (libcurl on Linux, WinHTTP on Windows) and
// times each stage. The server's certificate is recorded, not trusted or refused: the caller
// compares the chain with the roots it expects. Nothing but a GET without credentials is sent.
// Safe to call from several threads at once; never runs past the request's timeout by more than
// the platform's own cancellation latency.
class ConnectionProber {
 public:
  virtual ~ConnectionProber() = default;
  virtual ConnectionProbeResult Probe(const ConnectionProbeRequest& request) const = 0;
};

std::unique_ptr<ConnectionProber> MakeConnectionProber();

}  // namespace preflight

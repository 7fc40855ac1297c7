#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace preflight {

// One place MDE may take its proxy from, in the words the report uses.
struct ProxyCandidate {
  std::string source;  // "managed config cloudService.proxy", "HTTPS_PROXY", "TelemetryProxyServer"
  std::string value;   // as configured (credentials already redacted by the reader)
  bool has_credentials = false;
  std::string
      bypass;  // hosts that go direct: NO_PROXY ("a.corp,.b.corp") or WinHTTP ("<local>;*.c")
};

// The proxy the probes use: the first candidate that names one, the way MDE would.
struct ProxyChoice {
  std::string url;     // http://host:port; empty: direct
  std::string source;  // the candidate's source; "none" when direct
  std::string bypass;
  // Why MDE cannot use what is configured; empty when it can. The probes then go direct
  // (PAC/WPAD) or through the proxy without credentials (an authenticating proxy), so the report
  // still shows what the network allows.
  std::string unsupported;
  std::vector<std::string> ignored;  // later candidates that the first one overrides
};

// Pure. `candidates` are in MDE's order of precedence (README "Proxy sources").
// "host:port" becomes http://host:port; a WinHTTP per-scheme list ("http=a:80;https=b:443") gives
// its https entry; a .pac / wpad value is PAC/WPAD, which MDE on Linux does not follow
// (linux-static-proxy-configuration.md: "PAC, WPAD, and authenticated proxies aren't supported").
ProxyChoice ChooseProxy(const std::vector<ProxyCandidate>& candidates);

// Whether `host` goes direct under a bypass list: comma- or semicolon-separated; "*" is every
// host; "<local>" is any host without a dot; "name", ".name" and "*.name" match the name and its
// subdomains (curl's NO_PROXY and WinHTTP's bypass list, which differ only in spelling).
bool BypassesProxy(std::string_view host, std::string_view bypass);

}  // namespace preflight

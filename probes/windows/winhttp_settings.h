#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace preflight {

// The machine's WinHTTP proxy (`netsh winhttp set proxy`), which Sense uses as LocalSystem
// (defender-docs configure-proxy-internet.md), as stored in the WinHttpSettings value (REG_BINARY)
// of HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings\Connections: DWORD version,
// DWORD change counter, DWORD flags (1 direct, 2 named proxy), DWORD length + ANSI proxy list,
// DWORD length + ANSI bypass list (layout as decoded by XPlantefeve's WinHttpProxySettings gist).
struct WinHttpProxy {
  bool valid = false;
  std::string error;  // why not
  std::uint32_t flags = 0;
  std::string proxy;   // "proxy.corp:8080" or "http=a:80;https=b:443"; empty when direct
  std::string bypass;  // "<local>;*.corp"
  bool Direct() const { return proxy.empty(); }
};

// Pure; every length is checked against the value; never throws.
WinHttpProxy ParseWinHttpSettings(std::string_view bytes);

}  // namespace preflight

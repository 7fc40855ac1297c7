#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "probes/windows/winhttp_settings.h"

namespace preflight {

class Registry;

// The proxies Sense may use as LocalSystem (defender-docs configure-proxy-internet.md,
// 07/01/2024): the static TelemetryProxyServer policy first, else the machine's WinHTTP proxy.
struct MachineProxySettings {
  std::optional<WinHttpProxy> winhttp;         // nullopt when not set
  std::optional<std::string> telemetry_proxy;  // TelemetryProxyServer, trimmed
  std::optional<std::uint32_t> disable_enterprise_auth_proxy;
};

MachineProxySettings ReadMachineProxySettings(const Registry& registry);

}  // namespace preflight

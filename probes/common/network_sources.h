#pragma once

#include <string>
#include <vector>

#include "probes/check.h"
#include "probes/common/network_proxy.h"

namespace preflight {

// Where MDE on Linux takes its proxy, in order: the managed setting cloudService.proxy
// (mdatp_managed.json), then HTTPS_PROXY / https_proxy with NO_PROXY / no_proxy, which the
// installer and package manager use (defender-docs linux-static-proxy-configuration.md).
std::vector<ProxyCandidate> LinuxProxyCandidates(const Context& ctx);

// Where Sense takes its proxy as LocalSystem, in order: the TelemetryProxyServer policy, then the
// machine's WinHTTP proxy (`netsh winhttp set proxy`) with its bypass list
// (defender-docs configure-proxy-internet.md, 07/01/2024).
std::vector<ProxyCandidate> WindowsProxyCandidates(const Context& ctx);

// The MDE geography the onboarding information names ("us", "eu", ...), empty when there is
// none: /etc/opt/microsoft/mdatp/mdatp_onboard.json on Linux, the OnboardingInfo policy value on
// Windows (written by the onboarding package's script).
std::string LinuxOnboardingGeography(const Context& ctx);
std::string WindowsOnboardingGeography(const Context& ctx);

}  // namespace preflight

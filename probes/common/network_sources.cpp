#include "probes/common/network_sources.h"

#include <nlohmann/json.hpp>

#include "platform/environment.h"
#include "platform/file_system.h"
#include "platform/registry.h"
#include "probes/common/mdatp_config.h"
#include "probes/common/network_endpoints.h"
#include "probes/windows/machine_proxy.h"
#include "probes/windows/mde_state_windows.h"

namespace preflight {
namespace {

// The onboarding blob is ~7 KiB, as in the Linux file (mdatp_config.h).
constexpr std::size_t kMaxOnboardingValueBytes = kMaxOnboardingBytes;

std::optional<std::pair<std::string, std::string>> FirstVariable(
    const Context& ctx, std::initializer_list<const char*> names) {
  for (const char* name : names) {
    auto value = ctx.env.Get(name);
    if (value && !value->empty()) return std::make_pair(std::string(name), std::move(*value));
  }
  return std::nullopt;
}

std::string GeographyOf(const OnboardingInfo& info) {
  return info.parsed ? GeographyFromOnboarding(info.datacenter, info.geo_location_url) : "";
}

}  // namespace

std::vector<ProxyCandidate> LinuxProxyCandidates(const Context& ctx) {
  std::vector<ProxyCandidate> out;
  const auto managed = ctx.fs.ReadFile(kMdatpManagedFile, kMaxManagedBytes);
  if (managed.Ok()) {
    const ManagedConfig config = ParseManagedConfig(managed.Value());
    if (!config.proxy.empty()) {
      out.push_back(
          {"managed config cloudService.proxy", config.proxy, config.proxy_has_credentials, ""});
    }
  }
  const auto env = FirstVariable(ctx, {"HTTPS_PROXY", "https_proxy"});
  if (env) {
    const std::string redacted = RedactUrlCredentials(env->second);
    const auto bypass = FirstVariable(ctx, {"NO_PROXY", "no_proxy"});
    out.push_back({env->first, redacted, redacted != env->second, bypass ? bypass->second : ""});
  }
  return out;
}

std::vector<ProxyCandidate> WindowsProxyCandidates(const Context& ctx) {
  std::vector<ProxyCandidate> out;
  const MachineProxySettings settings = ReadMachineProxySettings(ctx.registry);
  if (settings.telemetry_proxy && !settings.telemetry_proxy->empty()) {
    const std::string redacted = RedactUrlCredentials(*settings.telemetry_proxy);
    out.push_back({"TelemetryProxyServer", redacted, redacted != *settings.telemetry_proxy, ""});
  }
  if (settings.winhttp && settings.winhttp->valid && !settings.winhttp->Direct()) {
    out.push_back({"WinHTTP proxy (netsh winhttp)", settings.winhttp->proxy, false,
                   settings.winhttp->bypass});
  }
  return out;
}

std::string LinuxOnboardingGeography(const Context& ctx) {
  const auto text = ctx.fs.ReadFile(kMdatpOnboardFile, kMaxOnboardingBytes);
  return text.Ok() ? GeographyOf(ParseOnboardingFile(text.Value())) : "";
}

std::string WindowsOnboardingGeography(const Context& ctx) {
  const auto value =
      ctx.registry.ReadString(kAtpPolicyKey, "OnboardingInfo", kMaxOnboardingValueBytes);
  if (!value.Ok()) return {};
  // The value is the Linux file's "onboardingInfo" string; wrapped, the one parser reads both.
  const nlohmann::json wrapped = {{"onboardingInfo", value.Value()}};
  return GeographyOf(
      ParseOnboardingFile(wrapped.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)));
}

}  // namespace preflight

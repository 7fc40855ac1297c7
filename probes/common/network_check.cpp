#include "probes/common/network_check.h"

#include <algorithm>
#include <atomic>
#include <system_error>
#include <thread>
#include <utility>

#include <spdlog/spdlog.h>

#include "platform/azure/cloud.h"
#include "platform/http_parsers.h"
#include "probes/common/embedded_data.h"
#include "probes/common/network_sources.h"

namespace preflight {
namespace {

using std::chrono::milliseconds;

// Enough workers that the built-in sets (under 30 URLs) finish in two rounds of the per-probe
// cap, few enough to stay polite to a proxy.
constexpr std::size_t kParallelism = 10;
// A probe that cannot get this much time is not started: it could not finish a TLS handshake.
constexpr milliseconds kMinProbeTime{50};

struct Plan {
  std::vector<MdeEndpoint> endpoints;
  std::vector<ExpectedRoot> roots;
  std::string endpoints_source;
  std::string roots_source;
  std::string error;  // a private list or roots file that cannot be used
};

bool OnArc(const Context& ctx) {
  return ctx.cloud != nullptr && ctx.cloud->machine.kind == azure::EnvironmentKind::kAzureArc;
}

void PlanEndpoints(const Context& ctx, Plan& plan) {
  const NetworkSettings& settings = ctx.network;
  if (!settings.endpoints_path.empty()) {
    auto list = ParseEndpointList(settings.endpoints_text);
    if (!list.Ok()) {
      plan.error =
          "the endpoint list " + settings.endpoints_path + " is unusable: " + list.Err().message;
      return;
    }
    plan.endpoints = std::move(list).Value();
    plan.endpoints_source = settings.endpoints_path;
    return;
  }
  auto catalog = ParseEndpointCatalog(EmbeddedData("mde_endpoints.json"));
  if (!catalog.Ok()) {
    plan.error = "the built-in endpoint catalog is unusable: " + catalog.Err().message;
    return;
  }
  std::string geography = settings.geography;
  std::string from = "setting mde_geography";
  if (geography.empty()) {
#ifdef _WIN32
    geography = WindowsOnboardingGeography(ctx);
#else
    geography = LinuxOnboardingGeography(ctx);
#endif
    from = "onboarding information";
  }
  if (geography.empty()) {
    geography = catalog.Value().default_geography;
    from = "default";
  }
  plan.endpoints = SelectEndpoints(catalog.Value(), geography, OnArc(ctx));
  plan.endpoints_source = "built-in, geography " + geography + " (" + from + ")" +
                          (OnArc(ctx) ? ", with the Azure Arc agent's endpoints" : "");
}

void PlanRoots(const Context& ctx, Plan& plan) {
  const NetworkSettings& settings = ctx.network;
  const bool custom = !settings.roots_path.empty();
  auto roots = ParseExpectedRoots(custom ? std::string_view(settings.roots_text)
                                         : EmbeddedData("mde_expected_roots.json"));
  if (!roots.Ok()) {
    plan.error = (custom ? "the expected-roots file " + settings.roots_path
                         : std::string("the built-in expected roots")) +
                 " is unusable: " + roots.Err().message;
    return;
  }
  plan.roots = std::move(roots).Value();
  plan.roots_source = custom ? settings.roots_path : "built-in";
}

ProxyChoice ThisMachinesProxy(const Context& ctx) {
#ifdef _WIN32
  return ChooseProxy(WindowsProxyCandidates(ctx));
#else
  return ChooseProxy(LinuxProxyCandidates(ctx));
#endif
}

CheckResult Skip(std::string why) {
  CheckResult result;
  result.status = Status::kSkip;
  result.summary = std::move(why);
  return result;
}

}  // namespace

std::vector<ProbedEndpoint> ProbeEndpoints(const ConnectionProber& prober,
                                           const std::vector<MdeEndpoint>& endpoints,
                                           const ProxyChoice& proxy, const Clock& clock,
                                           std::chrono::steady_clock::time_point deadline,
                                           milliseconds per_probe, std::size_t parallelism) {
  std::vector<ProbedEndpoint> out(endpoints.size());
  std::atomic<std::size_t> next{0};
  const auto work = [&] {
    for (std::size_t i = next++; i < endpoints.size(); i = next++) {
      out[i].endpoint = endpoints[i];
      const auto left = std::chrono::duration_cast<milliseconds>(deadline - clock.SteadyNow());
      if (left < kMinProbeTime) continue;
      ConnectionProbeRequest request;
      request.url = endpoints[i].url;
      const auto host = ParseUrl(request.url);
      const bool direct = proxy.url.empty() || (host && BypassesProxy(host->host, proxy.bypass));
      request.proxy_url = direct ? "" : proxy.url;
      request.timeout = std::min(left, per_probe);
      out[i].result = prober.Probe(request);
      out[i].probed = true;
    }
  };
  std::vector<std::thread> workers;
  const std::size_t count = std::min(std::max<std::size_t>(parallelism, 1), endpoints.size());
  try {
    for (std::size_t w = 1; w < count; ++w) workers.emplace_back(work);
  } catch (const std::system_error&) {
    // No more threads: the ones started and this one share the work; the deadline still holds.
  }
  work();
  for (std::thread& worker : workers) worker.join();
  return out;
}

CheckResult NetworkCheck::Run(const Context& ctx) const {
  if (ctx.offline) return Skip("--offline: the network is not used.");
  if (!ctx.live) return Skip("Inspecting another root: its network is not this machine's.");
  if (ctx.prober == nullptr) return Skip("No network prober in this build.");
  Plan plan;
  PlanEndpoints(ctx, plan);
  if (plan.error.empty()) PlanRoots(ctx, plan);
  if (!plan.error.empty()) {
    CheckResult result;
    result.status = Status::kFail;
    result.summary = "Cannot probe the MDE endpoints: " + plan.error + ".";
    result.remediation =
        "Fix or remove the file named in the config (network_endpoints_file, "
        "network_expected_roots_file).";
    return result;
  }
  if (plan.endpoints.empty()) {
    return Skip("network_endpoints_file lists no endpoints.");
  }
  NetworkFacts facts;
  facts.proxy = ThisMachinesProxy(ctx);
  facts.deadline = std::min(ctx.network.timeout, ctx.Remaining());
  const auto deadline = ctx.clock.SteadyNow() + facts.deadline;
  // Half the budget per probe: two rounds of workers fit, so a silent host costs one slot.
  const milliseconds per_probe = std::max(facts.deadline / 2, kMinProbeTime);
  facts.endpoints = ProbeEndpoints(*ctx.prober, plan.endpoints, facts.proxy, ctx.clock, deadline,
                                   per_probe, kParallelism);
  facts.roots = std::move(plan.roots);
  facts.endpoints_source = std::move(plan.endpoints_source);
  facts.roots_source = std::move(plan.roots_source);
  spdlog::debug("network.mde: {} endpoints, proxy {} ({})", facts.endpoints.size(),
                facts.proxy.url.empty() ? "none" : facts.proxy.url, facts.proxy.source);
  return EvaluateNetwork(facts);
}

}  // namespace preflight

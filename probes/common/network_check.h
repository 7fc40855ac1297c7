#pragma once

#include <chrono>
#include <cstddef>
#include <vector>

#include "platform/connection_probe.h"
#include "probes/check.h"
#include "probes/common/network_evaluate.h"

namespace preflight {

// Probes `endpoints` through `proxy` with at most `parallelism` at once. Each probe's timeout is
// the time left before `deadline`, capped at `per_probe` so that one silent host cannot hold a
// worker for the whole budget; an endpoint whose turn comes at the deadline is left unprobed.
// Returns when every worker has finished: by the deadline plus the transport's own cancellation
// latency.
std::vector<ProbedEndpoint> ProbeEndpoints(const ConnectionProber& prober,
                                           const std::vector<MdeEndpoint>& endpoints,
                                           const ProxyChoice& proxy, const Clock& clock,
                                           std::chrono::steady_clock::time_point deadline,
                                           std::chrono::milliseconds per_probe,
                                           std::size_t parallelism);

// network.mde: can this machine reach MDE's cloud, through the proxy MDE would use, without TLS
// inspection? The endpoint sets and expected roots are built in (probes/data) unless the
// settings name private ones.
class NetworkCheck final : public Check {
 public:
  CheckResult Run(const Context& ctx) const override;
};

}  // namespace preflight

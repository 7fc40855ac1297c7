#pragma once

#include <chrono>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "platform/connection_probe.h"
#include "probes/check.h"
#include "probes/common/network_endpoints.h"
#include "probes/common/network_proxy.h"

namespace preflight {

// One endpoint and what probing it found; `probed` is false when the deadline came first.
struct ProbedEndpoint {
  MdeEndpoint endpoint;
  bool probed = false;
  ConnectionProbeResult result;
};

// What network.mde gathered, as plain data.
struct NetworkFacts {
  std::vector<ProbedEndpoint> endpoints;
  ProxyChoice proxy;
  std::vector<ExpectedRoot> roots;
  std::string endpoints_source;  // "built-in (geography us)" or the private list's path
  std::string roots_source;      // "built-in" or the override's path
  std::chrono::milliseconds deadline{0};
};

// How a presented chain compares with the expected roots. The chain's top is the last
// certificate presented; servers seldom send the root itself, so a chain matches when any
// certificate's key is an expected root's, or when the top was issued by an expected root's name.
struct ChainVerdict {
  bool examined = false;     // a chain was presented
  bool intercepted = false;  // it ends at another root
  std::string issuer_seen;   // the top certificate's issuer (its subject when self-signed)
};

ChainVerdict JudgeChain(const std::vector<PresentedCertificate>& chain,
                        const std::vector<ExpectedRoot>& roots);

// One entry of the report's connectivity[] (schema: agent/schema/report.schema.json).
nlohmann::json ConnectivityEntry(const ProbedEndpoint& probed, const ChainVerdict& chain);

// Policy: an unsupported proxy, a proxy answering 407, TLS interception, or a required endpoint
// unreachable -> fail; only optional endpoints (legacy, updates) unreachable, or endpoints left
// unprobed at the deadline -> warn; else pass. Fills report.connectivity. Pure.
CheckResult EvaluateNetwork(const NetworkFacts& facts);

}  // namespace preflight

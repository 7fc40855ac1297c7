#include "probes/common/network_evaluate.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "platform/http_parsers.h"
#include "platform/text.h"

namespace preflight {
namespace {

using Json = nlohmann::json;

// At most this many hosts are named in a sentence; the connectivity[] entries list them all.
constexpr std::size_t kMaxNamedHosts = 5;
// HTTP 407 Proxy Authentication Required (RFC 9110 §15.5.8).
constexpr int kProxyAuthRequired = 407;

// The authenticating-proxy remediation: the same whichever way the proxy showed it.
constexpr const char* kNoProxyAuth =
    "Let this machine's MDE traffic through the proxy without authentication (exempt the MDE "
    "hosts or this machine from proxy authentication): MDE connects as the system and does not "
    "support authenticating proxies.";
constexpr const char* kStaticProxy =
    "Give MDE a static proxy: on Linux `mdatp config proxy set --value http://host:port` or "
    "cloudService.proxy in /etc/opt/microsoft/mdatp/managed/mdatp_managed.json; on Windows "
    "TelemetryProxyServer or `netsh winhttp set proxy`.";

std::string HostOf(const std::string& url) {
  const auto parsed = ParseUrl(url);
  if (!parsed) return url;
  return parsed->port == 443 ? parsed->host : parsed->host + ":" + std::to_string(parsed->port);
}

// "a, b, c and 2 more": hosts once each, in the order met.
std::string NameHosts(const std::vector<const ProbedEndpoint*>& probes) {
  std::vector<std::string> hosts;
  for (const ProbedEndpoint* p : probes) {
    std::string host = HostOf(p->endpoint.url);
    if (std::find(hosts.begin(), hosts.end(), host) == hosts.end()) hosts.push_back(host);
  }
  const std::size_t more = hosts.size() > kMaxNamedHosts ? hosts.size() - kMaxNamedHosts : 0;
  hosts.resize(hosts.size() - more);
  return Join(hosts) + (more > 0 ? " and " + std::to_string(more) + " more" : "");
}

std::string FailureText(const ProbedEndpoint& p) {
  if (!p.probed) return "not probed before the deadline";
  const ConnectionProbeResult& r = p.result;
  if (!r.failed_stage) return {};
  std::string text = ProbeStageName(*r.failed_stage);
  if (r.failed_stage == ProbeStage::kProxy && r.proxy_status != 0) {
    text += ": the proxy answered " + std::to_string(r.proxy_status);
  }
  text += ": " + (r.timed_out ? "no answer before the deadline (" + r.error + ")" : r.error);
  return text;
}

// Where the probes failed, said once: the one failure in full, the stage all failed at with the
// first error, or each stage's count.
std::string StagesText(const std::vector<const ProbedEndpoint*>& list) {
  if (list.size() == 1) return FailureText(*list[0]);
  std::vector<std::pair<std::string, std::size_t>> stages;
  for (const ProbedEndpoint* p : list) {
    const std::string stage = p->result.failed_stage ? ProbeStageName(*p->result.failed_stage) : "";
    auto it = std::find_if(stages.begin(), stages.end(),
                           [&](const auto& counted) { return counted.first == stage; });
    if (it == stages.end()) {
      stages.emplace_back(stage, 1);
    } else {
      ++it->second;
    }
  }
  if (stages.size() == 1) return "all at " + FailureText(*list[0]);
  std::string text = "failed at";
  for (const auto& [stage, count] : stages) {
    text += (text == "failed at" ? " " : ", ") + stage + " " + std::to_string(count);
  }
  return text;
}

Json Millis(const std::optional<std::chrono::milliseconds>& value) {
  return value ? Json(value->count()) : Json();
}

struct Problem {
  Status status;
  std::string summary;
  std::string remediation;
};

struct Sorted {
  std::vector<const ProbedEndpoint*> auth, intercepted, required_down, optional_down, unprobed;
  std::string issuer;
  std::size_t reached = 0;
};

Sorted SortEndpoints(const NetworkFacts& facts, std::vector<ChainVerdict>& verdicts) {
  Sorted s;
  for (const ProbedEndpoint& p : facts.endpoints) {
    verdicts.push_back(JudgeChain(p.result.chain, facts.roots));
    const ChainVerdict& chain = verdicts.back();
    if (!p.probed) {
      s.unprobed.push_back(&p);
    } else if (p.result.proxy_status == kProxyAuthRequired) {
      s.auth.push_back(&p);
    } else if (chain.intercepted) {
      s.intercepted.push_back(&p);
      if (s.issuer.empty()) s.issuer = chain.issuer_seen;
    } else if (p.result.failed_stage) {
      (p.endpoint.required ? s.required_down : s.optional_down).push_back(&p);
    } else {
      ++s.reached;
    }
  }
  return s;
}

std::string Count(std::size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::vector<Problem> Problems(const NetworkFacts& facts, const Sorted& s) {
  std::vector<Problem> out;
  const ProxyChoice& proxy = facts.proxy;
  if (!proxy.unsupported.empty()) {
    const bool pac = proxy.url.empty();
    out.push_back({Status::kFail, "The proxy is unsupported by MDE: " + proxy.unsupported + ".",
                   pac ? kStaticProxy : kNoProxyAuth});
  }
  if (!s.auth.empty()) {
    out.push_back({Status::kFail,
                   "The proxy " + proxy.url + " (from " + proxy.source +
                       ") demands authentication (407) for " + NameHosts(s.auth) +
                       ": an authenticating proxy MDE cannot use.",
                   kNoProxyAuth});
  }
  if (!s.intercepted.empty()) {
    out.push_back({Status::kFail,
                   "TLS inspection: " + NameHosts(s.intercepted) +
                       " presented a certificate chain issued by '" + s.issuer +
                       "', not by a root MDE's services chain to.",
                   "Exempt these hosts from TLS inspection on the proxy or firewall: " +
                       NameHosts(s.intercepted) +
                       ". MDE's service connections use certificate pinning, which inspection "
                       "breaks."});
  }
  const auto down = [&](const std::vector<const ProbedEndpoint*>& list, Status status,
                        const char* kind) {
    if (list.empty()) return;
    out.push_back({status,
                   Count(list.size(), kind, kind) + " unreachable: " + NameHosts(list) + " (" +
                       StagesText(list) + ").",
                   "Allow outbound HTTPS (TCP 443) from this machine to the hosts named above" +
                       (facts.proxy.url.empty() ? "" : " through the proxy " + facts.proxy.url) +
                       "."});
  };
  down(s.required_down, Status::kFail, "required MDE endpoint(s)");
  down(s.optional_down, Status::kWarn, "optional endpoint(s) (legacy or update hosts)");
  if (!s.unprobed.empty()) {
    out.push_back({Status::kWarn,
                   Count(s.unprobed.size(), "endpoint was", "endpoints were") +
                       " not probed before the " + std::to_string(facts.deadline.count() / 1000) +
                       " s network deadline.",
                   "Raise network_timeout_seconds in the config file, or check why the others "
                   "were slow."});
  }
  return out;
}

Json ProxyEvidence(const ProxyChoice& proxy) {
  Json out = {{"source", proxy.source}, {"url", proxy.url.empty() ? Json() : Json(proxy.url)}};
  if (!proxy.bypass.empty()) out["bypass"] = proxy.bypass;
  if (!proxy.ignored.empty()) out["overrides"] = proxy.ignored;
  if (!proxy.unsupported.empty()) out["unsupported"] = proxy.unsupported;
  return out;
}

}  // namespace

ChainVerdict JudgeChain(const std::vector<PresentedCertificate>& chain,
                        const std::vector<ExpectedRoot>& roots) {
  ChainVerdict verdict;
  if (chain.empty()) return verdict;
  verdict.examined = true;
  const PresentedCertificate& top = chain.back();
  verdict.issuer_seen = top.issuer.empty() ? top.subject : top.issuer;
  for (const PresentedCertificate& cert : chain) {
    for (const ExpectedRoot& root : roots) {
      if (!cert.spki_sha256.empty() && ToLower(cert.spki_sha256) == root.spki_sha256) {
        return verdict;
      }
    }
  }
  const std::string issuer = ToLower(top.issuer);
  for (const ExpectedRoot& root : roots) {
    if (!root.name.empty() && ToLower(root.name) == issuer) return verdict;
  }
  verdict.intercepted = true;
  return verdict;
}

Json ConnectivityEntry(const ProbedEndpoint& probed, const ChainVerdict& chain) {
  const ConnectionProbeResult& r = probed.result;
  const bool answered = probed.probed && !r.failed_stage;
  const std::string failure = FailureText(probed);
  Json entry = {
      {"url", RedactUrl(probed.endpoint.url)},
      {"set", probed.endpoint.set},
      {"reachable", probed.probed ? Json(answered) : Json()},
      {"status_code", answered ? Json(r.status) : Json()},
      {"latency_ms", probed.probed ? Json(r.total.count()) : Json()},
      {"via_proxy", probed.probed ? Json(r.via_proxy) : Json()},
      {"tls_intercepted", chain.examined ? Json(chain.intercepted) : Json()},
      {"error", failure.empty() ? Json() : Json(failure)},
      {"failed_stage", r.failed_stage ? Json(ProbeStageName(*r.failed_stage)) : Json()},
      {"stages_ms",
       {{"dns", Millis(r.dns)},
        {"connect", Millis(r.connect)},
        {"proxy", Millis(r.proxy)},
        {"tls", Millis(r.tls)},
        {"http", Millis(r.http)}}},
  };
  if (r.proxy_status != 0) entry["proxy_status"] = r.proxy_status;
  if (chain.examined) entry["issuer"] = chain.issuer_seen;
  return entry;
}

CheckResult EvaluateNetwork(const NetworkFacts& facts) {
  std::vector<ChainVerdict> verdicts;
  verdicts.reserve(facts.endpoints.size());
  const Sorted sorted = SortEndpoints(facts, verdicts);
  CheckResult result;
  Json connectivity = Json::array();
  for (std::size_t i = 0; i < facts.endpoints.size(); ++i) {
    connectivity.push_back(ConnectivityEntry(facts.endpoints[i], verdicts[i]));
  }
  result.report["connectivity"] = std::move(connectivity);
  result.evidence = {{"endpoints", facts.endpoints_source},
                     {"expected_roots", facts.roots_source},
                     {"proxy", ProxyEvidence(facts.proxy)},
                     {"deadline_ms", facts.deadline.count()},
                     {"probed", facts.endpoints.size() - sorted.unprobed.size()},
                     {"answered", sorted.reached}};
  const std::vector<Problem> problems = Problems(facts, sorted);
  const std::string route = facts.proxy.url.empty() ? std::string("directly")
                                                    : "through the proxy " + facts.proxy.url +
                                                          " (from " + facts.proxy.source + ")";
  if (problems.empty()) {
    result.status = Status::kPass;
    result.summary = "All " + std::to_string(facts.endpoints.size()) +
                     " MDE endpoints answered over HTTPS " + route +
                     ", with chains ending at the expected roots.";
    return result;
  }
  result.status = Status::kWarn;
  std::vector<std::string> summaries;
  std::vector<std::string> remediations;
  for (const Problem& p : problems) {
    if (p.status == Status::kFail) result.status = Status::kFail;
    summaries.push_back(p.summary);
    if (std::find(remediations.begin(), remediations.end(), p.remediation) == remediations.end()) {
      remediations.push_back(p.remediation);
    }
  }
  result.summary = Join(summaries, " ") + " Probed " + route + ".";
  result.remediation = Join(remediations, " ");
  return result;
}

}  // namespace preflight

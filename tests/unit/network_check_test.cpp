// network.mde's pure parts (endpoint sets, proxy choice, chain comparison, the verdict) by
// tables, and the check over the fakes with a scripted prober.

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "platform/connection_probe.h"
#include "probes/common/embedded_data.h"
#include "probes/common/network_check.h"
#include "probes/common/network_endpoints.h"
#include "probes/common/network_evaluate.h"
#include "probes/common/network_proxy.h"
#include "probes/common/network_sources.h"
#include "tests/fakes/fake_platform.h"

namespace preflight {
namespace {

using std::chrono::milliseconds;

constexpr const char* kRootHash =
    "1111111111111111111111111111111111111111111111111111111111111111";
constexpr const char* kOtherHash =
    "2222222222222222222222222222222222222222222222222222222222222222";

TEST(NetworkEndpoints, BuiltInCatalogParsesAndSelectsByGeography) {
  auto catalog = ParseEndpointCatalog(EmbeddedData("mde_endpoints.json"));
  ASSERT_TRUE(catalog.Ok()) << catalog.Err().message;
  EXPECT_EQ(catalog.Value().default_geography, "us");
  const auto in_eu = SelectEndpoints(catalog.Value(), "EU", /*arc=*/false);
  const auto streamlined = std::count_if(in_eu.begin(), in_eu.end(),
                                         [](const auto& e) { return e.set == "streamlined"; });
  EXPECT_GT(streamlined, 0);
  for (const MdeEndpoint& e : in_eu) {
    EXPECT_NE(e.set, "arc");
    if (e.set == "streamlined") {
      EXPECT_NE(e.url.find(".eu.endpoint.security"), std::string::npos);
    }
  }
  const auto unknown = SelectEndpoints(catalog.Value(), "mars", /*arc=*/true);
  EXPECT_TRUE(std::any_of(unknown.begin(), unknown.end(), [](const auto& e) {
    return e.url.find(".us.endpoint.security") != std::string::npos;
  }));
  EXPECT_TRUE(std::any_of(unknown.begin(), unknown.end(),
                          [](const auto& e) { return e.set == "arc" && e.required; }));
  EXPECT_TRUE(std::any_of(unknown.begin(), unknown.end(),
                          [](const auto& e) { return e.set == "legacy" && !e.required; }));
}

TEST(NetworkEndpoints, PrivateListTable) {
  struct Case {
    const char* text;
    bool ok;
    std::size_t count;
  };
  const Case cases[] = {
      {"", true, 0},
      {"# only a comment\n\n", true, 0},
      {"https://a.example/x\n  https://b.example:8443/y  \n", true, 2},
      {"http://plain.example/\n", false, 0},
      {"https://user:pw@a.example/\n", false, 0},
      {"not a url\n", false, 0},
  };
  for (const Case& c : cases) {
    const auto list = ParseEndpointList(c.text);
    EXPECT_EQ(list.Ok(), c.ok) << c.text;
    if (list.Ok()) {
      EXPECT_EQ(list.Value().size(), c.count) << c.text;
      for (const auto& e : list.Value()) EXPECT_EQ(e.set, "custom");
    }
  }
  std::string many;
  for (int i = 0; i < 201; ++i) many += "https://h" + std::to_string(i) + ".example/\n";
  EXPECT_FALSE(ParseEndpointList(many).Ok());
}

TEST(NetworkEndpoints, GeographyFromOnboardingTable) {
  struct Case {
    const char* datacenter;
    const char* url;
    const char* geo;
  };
  const Case cases[] = {
      {"", "https://winatp-gw-weu.microsoft.com/", "eu"},
      {"", "https://winatp-gw-cus.microsoft.com/", "us"},
      {"", "https://winatp-gw-uks.microsoft.com/", "uk"},
      {"AustraliaEast", "", "au"},
      {"WestEurope", "", "eu"},
      {"EastUs2", "", "us"},
      {"UKSouth", "", "uk"},
      {"", "", ""},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(GeographyFromOnboarding(c.datacenter, c.url), c.geo) << c.datacenter << c.url;
  }
}

TEST(NetworkEndpoints, ExpectedRootsTable) {
  auto built_in = ParseExpectedRoots(EmbeddedData("mde_expected_roots.json"));
  ASSERT_TRUE(built_in.Ok()) << built_in.Err().message;
  EXPECT_GE(built_in.Value().size(), 4U);
  EXPECT_TRUE(
      ParseExpectedRoots(std::string(R"({"roots":[{"spki_sha256":")") + kRootHash + R"("}]})")
          .Ok());
  EXPECT_FALSE(ParseExpectedRoots(R"({"roots":[{"spki_sha256":"abc"}]})").Ok());
  EXPECT_FALSE(ParseExpectedRoots(R"({"roots":[]})").Ok());
  EXPECT_FALSE(ParseExpectedRoots("[1,2").Ok());
}

TEST(NetworkProxy, ChooseProxyTable) {
  struct Case {
    std::vector<ProxyCandidate> in;
    const char* url;
    const char* source;
    bool unsupported;
  };
  const Case cases[] = {
      {{}, "", "none", false},
      {{{"managed config cloudService.proxy", "http://p.corp:3128/", false, ""},
        {"HTTPS_PROXY", "http://other:1", false, ""}},
       "http://p.corp:3128/",
       "managed config cloudService.proxy",
       false},
      {{{"TelemetryProxyServer", "p.corp:8080", false, ""}},
       "http://p.corp:8080",
       "TelemetryProxyServer",
       false},
      {{{"WinHTTP proxy (netsh winhttp)", "http=a:80;https=b:443", false, ""}},
       "http://b:443",
       "WinHTTP proxy (netsh winhttp)",
       false},
      {{{"HTTPS_PROXY", "http://wpad.corp/proxy.pac", false, ""}}, "", "HTTPS_PROXY", true},
      {{{"managed config cloudService.proxy", "http://<redacted>@p:3128", true, ""}},
       "http://p:3128",
       "managed config cloudService.proxy",
       true},
  };
  for (const Case& c : cases) {
    const ProxyChoice choice = ChooseProxy(c.in);
    EXPECT_EQ(choice.url, c.url);
    EXPECT_EQ(choice.source, c.source);
    EXPECT_EQ(!choice.unsupported.empty(), c.unsupported) << choice.unsupported;
  }
  EXPECT_EQ(ChooseProxy(cases[1].in).ignored, std::vector<std::string>{"HTTPS_PROXY"});
}

TEST(NetworkProxy, BypassTable) {
  struct Case {
    const char* host;
    const char* bypass;
    bool direct;
  };
  const Case cases[] = {
      {"a.corp", "", false},
      {"a.corp", "*", true},
      {"a.corp", ".corp", true},
      {"a.corp", "corp", true},
      {"a.corp", "*.corp", true},
      {"acorp", "corp", false},
      {"intranet", "<local>", true},
      {"a.corp", "<local>", false},
      {"x.b.example", "a.example;b.example", true},
  };
  for (const Case& c : cases) EXPECT_EQ(BypassesProxy(c.host, c.bypass), c.direct) << c.host;
}

PresentedCertificate Cert(const char* subject, const char* issuer, const char* hash) {
  return {subject, issuer, hash};
}

TEST(NetworkChain, JudgeChainTable) {
  const std::vector<ExpectedRoot> roots = {{"CN=Expected Root", kRootHash}};
  struct Case {
    std::vector<PresentedCertificate> chain;
    bool examined;
    bool intercepted;
    const char* issuer;
  };
  const Case cases[] = {
      {{}, false, false, ""},
      {{Cert("CN=leaf", "CN=Expected Root", kOtherHash),
        Cert("CN=Expected Root", "CN=Expected Root", kRootHash)},
       true,
       false,
       "CN=Expected Root"},
      // The root not sent: its name as the top's issuer.
      {{Cert("CN=leaf", "CN=Intermediate", kOtherHash),
        Cert("CN=Intermediate", "CN=Expected Root", kOtherHash)},
       true,
       false,
       "CN=Expected Root"},
      {{Cert("CN=leaf", "CN=Fortinet CA", kOtherHash),
        Cert("CN=Fortinet CA", "CN=Fortinet CA", kOtherHash)},
       true,
       true,
       "CN=Fortinet CA"},
  };
  for (const Case& c : cases) {
    const ChainVerdict v = JudgeChain(c.chain, roots);
    EXPECT_EQ(v.examined, c.examined);
    EXPECT_EQ(v.intercepted, c.intercepted);
    EXPECT_EQ(v.issuer_seen, c.issuer);
  }
}

ProbedEndpoint Answered(const char* url, bool required = true) {
  ProbedEndpoint p{{url, required ? "streamlined" : "legacy", required}, true, {}};
  p.result.status = 200;
  p.result.chain = {Cert("CN=leaf", "CN=Expected Root", kOtherHash)};
  return p;
}

ProbedEndpoint Failed(const char* url, ProbeStage stage, bool required = true) {
  ProbedEndpoint p{{url, required ? "streamlined" : "legacy", required}, true, {}};
  p.result.failed_stage = stage;
  p.result.error = "boom";
  return p;
}

TEST(NetworkVerdict, EvaluateTable) {
  NetworkFacts base;
  base.roots = {{"CN=Expected Root", kRootHash}};
  base.deadline = milliseconds(10'000);
  struct Case {
    const char* name;
    std::vector<ProbedEndpoint> endpoints;
    Status status;
    const char* says;
  };
  ProbedEndpoint intercepted = Answered("https://a.example/");
  intercepted.result.chain = {Cert("CN=leaf", "CN=Zscaler Root", kOtherHash)};
  ProbedEndpoint auth = Failed("https://a.example/", ProbeStage::kProxy);
  auth.result.proxy_status = 407;
  ProbedEndpoint unprobed{{"https://a.example/", "streamlined", true}, false, {}};
  const Case cases[] = {
      {"all answer", {Answered("https://a.example/")}, Status::kPass, "answered"},
      {"optional down",
       {Answered("https://a.example/"), Failed("https://b/", ProbeStage::kDns, false)},
       Status::kWarn,
       "optional"},
      {"required down",
       {Failed("https://a.example/", ProbeStage::kConnect)},
       Status::kFail,
       "connect: boom"},
      {"interception", {intercepted}, Status::kFail, "Zscaler Root"},
      {"407", {auth}, Status::kFail, "demands authentication (407)"},
      {"deadline", {unprobed}, Status::kWarn, "not probed before the 10 s"},
  };
  for (const Case& c : cases) {
    NetworkFacts facts = base;
    facts.endpoints = c.endpoints;
    const CheckResult r = EvaluateNetwork(facts);
    EXPECT_EQ(r.status, c.status) << c.name << ": " << r.summary;
    EXPECT_NE(r.summary.find(c.says), std::string::npos) << c.name << ": " << r.summary;
    EXPECT_EQ(r.report["connectivity"].size(), c.endpoints.size()) << c.name;
    if (c.status != Status::kPass) {
      EXPECT_FALSE(r.remediation.empty()) << c.name;
    }
  }
}

TEST(NetworkVerdict, UnsupportedProxyFailsEvenWhenEverythingAnswers) {
  NetworkFacts facts;
  facts.roots = {{"CN=Expected Root", kRootHash}};
  facts.proxy = ChooseProxy({{"HTTPS_PROXY", "http://wpad/proxy.pac", false, ""}});
  facts.endpoints = {Answered("https://a.example/")};
  const CheckResult r = EvaluateNetwork(facts);
  EXPECT_EQ(r.status, Status::kFail);
  EXPECT_NE(r.remediation.find("static proxy"), std::string::npos) << r.remediation;
}

// Answers every probe after `delay`, counting how many run at once.
class ScriptedProber final : public ConnectionProber {
 public:
  explicit ScriptedProber(milliseconds delay) : delay_(delay) {}
  ConnectionProbeResult Probe(const ConnectionProbeRequest& request) const override {
    const int now = ++running_;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      peak_ = std::max(peak_, now);
      requests_.push_back(request);
    }
    std::this_thread::sleep_for(delay_);
    --running_;
    ConnectionProbeResult r;
    r.status = 204;
    r.via_proxy = !request.proxy_url.empty();
    return r;
  }
  int Peak() const { return peak_; }
  std::vector<ConnectionProbeRequest> Requests() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return requests_;
  }

 private:
  milliseconds delay_;
  mutable std::atomic<int> running_{0};
  mutable std::mutex mutex_;
  mutable int peak_ = 0;
  mutable std::vector<ConnectionProbeRequest> requests_;
};

TEST(NetworkProbing, BoundedParallelismProxyAndBypass) {
  ScriptedProber prober(milliseconds(20));
  std::vector<MdeEndpoint> endpoints;
  for (int i = 0; i < 12; ++i) {
    endpoints.push_back({"https://h" + std::to_string(i) + ".example/", "custom", true});
  }
  endpoints.push_back({"https://inside.corp/", "custom", true});
  const ProxyChoice proxy = ChooseProxy({{"HTTPS_PROXY", "http://p:3128", false, ".corp"}});
  const Clock& clock = SystemClock();
  const auto out =
      ProbeEndpoints(prober, endpoints, proxy, clock, clock.SteadyNow() + std::chrono::seconds(10),
                     milliseconds(5000), /*parallelism=*/3);
  ASSERT_EQ(out.size(), endpoints.size());
  EXPECT_LE(prober.Peak(), 3);
  for (const ProbedEndpoint& p : out) {
    EXPECT_TRUE(p.probed);
    EXPECT_EQ(p.result.via_proxy, p.endpoint.url != "https://inside.corp/") << p.endpoint.url;
  }
  for (const auto& request : prober.Requests()) {
    EXPECT_LE(request.timeout, milliseconds(5000));
    EXPECT_GT(request.timeout, milliseconds(0));
  }
}

TEST(NetworkProbing, NothingStartsAfterTheDeadline) {
  ScriptedProber prober(milliseconds(0));
  const Clock& clock = SystemClock();
  const auto out = ProbeEndpoints(prober, {{"https://a.example/", "custom", true}}, ProxyChoice{},
                                  clock, clock.SteadyNow(), milliseconds(5000), 4);
  ASSERT_EQ(out.size(), 1U);
  EXPECT_FALSE(out[0].probed);
  EXPECT_TRUE(prober.Requests().empty());
}

// The fake world online, with `prober` and a private endpoint list.
ContextParts Online(testing::FakeWorld& world, const ConnectionProber& prober,
                    const std::string& list_path, const std::string& list) {
  ContextParts parts = world.Parts();
  parts.offline = false;
  parts.prober = &prober;
  parts.network.endpoints_path = list_path;
  parts.network.endpoints_text = list;
  return parts;
}

TEST(NetworkCheckRun, SkipsOfflineUnderAnotherRootAndWithoutAProber) {
  testing::FakeWorld world;
  ScriptedProber prober(milliseconds(0));
  ContextParts parts = world.Parts();
  parts.prober = &prober;
  EXPECT_EQ(NetworkCheck().Run(MakeContext(parts)).status, Status::kSkip);  // offline
  parts.offline = false;
  parts.live = false;
  EXPECT_EQ(NetworkCheck().Run(MakeContext(parts)).status, Status::kSkip);
  parts.live = true;
  parts.prober = nullptr;
  EXPECT_EQ(NetworkCheck().Run(MakeContext(parts)).status, Status::kSkip);
}

TEST(NetworkCheckRun, PrivateListThroughTheManagedProxy) {
  testing::FakeWorld world;
  world.fs.AddFile("/etc/opt/microsoft/mdatp/managed/mdatp_managed.json",
                   R"({"cloudService":{"proxy":"http://proxy.corp:3128/"}})");
  world.env.Set("HTTPS_PROXY", "http://env-proxy:8080");
  ScriptedProber prober(milliseconds(0));
  const ContextParts parts = Online(world, prober, "/etc/mde-preflight/endpoints.txt",
                                    "https://a.example/\nhttps://b.example/\n");
  const CheckResult r = NetworkCheck().Run(MakeContext(parts));
#ifdef _WIN32
  EXPECT_EQ(r.evidence["proxy"]["source"], "none");
#else
  EXPECT_EQ(r.evidence["proxy"]["source"], "managed config cloudService.proxy");
  EXPECT_EQ(r.evidence["proxy"]["overrides"], nlohmann::json::array({"HTTPS_PROXY"}));
  for (const auto& request : prober.Requests()) {
    EXPECT_EQ(request.proxy_url, "http://proxy.corp:3128/");
  }
#endif
  EXPECT_EQ(r.report["connectivity"].size(), 2U);
  EXPECT_EQ(r.evidence["endpoints"], "/etc/mde-preflight/endpoints.txt");
}

TEST(NetworkCheckRun, UnusableListFailsAndEmptyListSkips) {
  testing::FakeWorld world;
  ScriptedProber prober(milliseconds(0));
  ContextParts parts = Online(world, prober, "list.txt", "ftp://nope/\n");
  const CheckResult bad = NetworkCheck().Run(MakeContext(parts));
  EXPECT_EQ(bad.status, Status::kFail);
  EXPECT_NE(bad.summary.find("list.txt"), std::string::npos) << bad.summary;
  parts.network.endpoints_text = "# none\n";
  EXPECT_EQ(NetworkCheck().Run(MakeContext(parts)).status, Status::kSkip);
  EXPECT_TRUE(prober.Requests().empty());
}

TEST(NetworkSources, WindowsTelemetryProxyBeforeWinHttp) {
  testing::FakeWorld world;
  world.registry.SetString("SOFTWARE\\Policies\\Microsoft\\Windows\\DataCollection",
                           "TelemetryProxyServer", "telemetry.corp:8080");
  const auto candidates = WindowsProxyCandidates(world.Ctx());
  ASSERT_EQ(candidates.size(), 1U);
  EXPECT_EQ(ChooseProxy(candidates).url, "http://telemetry.corp:8080");
  EXPECT_EQ(ChooseProxy(candidates).source, "TelemetryProxyServer");
}

TEST(NetworkSources, LinuxGeographyFromTheOnboardingFile) {
  testing::FakeWorld world;
  world.fs.AddFile("/etc/opt/microsoft/mdatp/mdatp_onboard.json",
                   R"({"onboardingInfo":"{\"body\":\"{\\\"orgId\\\":\\\"o\\\",)"
                   R"(\\\"geoLocationUrl\\\":\\\"https://winatp-gw-neu.microsoft.com/\\\"}\"}"})");
  EXPECT_EQ(LinuxOnboardingGeography(world.Ctx()), "eu");
  testing::FakeWorld empty;
  EXPECT_EQ(LinuxOnboardingGeography(empty.Ctx()), "");
}

}  // namespace
}  // namespace preflight

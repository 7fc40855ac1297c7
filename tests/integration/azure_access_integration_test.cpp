// The Azure access layer (environment confirmation, the three credentials, the ARM client) over
// real HTTP against the loopback Azure emulator (tests/emulator), started as a child process.

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "agent/cloud_session.h"
#include "platform/file_system.h"
#include "platform/http.h"
#include "tests/fakes/fake_platform.h"
#include "tests/integration/azure_emulator_process.h"

namespace preflight {
namespace {

using namespace std::chrono_literals;
using azure::EnvironmentKind;

constexpr const char* kSubscription = "8d10da13-8125-4ba9-a717-bf7490507b3d";
constexpr const char* kTenant = "72f988bf-86f1-41af-91ab-2d7cd011db47";
constexpr const char* kSpClientId = "0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9";
constexpr const char* kSpSecret = "emulator-secret-0123456789abcdef";
constexpr const char* kUserAssignedClientId = "1e7d2c3b-5a4f-4e6d-8c9b-0a1b2c3d4e5f";

// Counts what goes through the real transport (to prove that nothing did).
class CountingHttpClient final : public HttpClient {
 public:
  explicit CountingHttpClient(std::atomic<int>& count) : count_(count) {}
  Result<HttpResponse> Send(const HttpRequest& request) override {
    ++count_;
    return inner_->Send(request);
  }

 private:
  std::atomic<int>& count_;
  std::unique_ptr<HttpClient> inner_ = MakeHttpClient();
};

// Milliseconds since midnight from the log's "2026-11-28T19:40:00.123Z".
long long LogMillis(const nlohmann::json& entry) {
  const std::string t = entry.value("time", "");
  if (t.size() < 23) return -1;
  const long long h = std::stoll(t.substr(11, 2));
  const long long m = std::stoll(t.substr(14, 2));
  const long long s = std::stoll(t.substr(17, 2));
  const long long ms = std::stoll(t.substr(20, 3));
  return ((h * 60 + m) * 60 + s) * 1000 + ms;
}

class AzureAccess : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::string error;
    emulator_ = testing::AzureEmulator::Start("azure_vm_onboarded_p2", error).release();
    ASSERT_NE(emulator_, nullptr) << error;
    // Everything the layer logs, at debug, for the secret grep.
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(log_);
    auto logger = std::make_shared<spdlog::logger>("azure-access-test", sink);
    logger->set_level(spdlog::level::debug);
    spdlog::set_default_logger(logger);
    spdlog::set_level(spdlog::level::debug);
  }
  static void TearDownTestSuite() {
    delete emulator_;
    emulator_ = nullptr;
  }
  void SetUp() override {
    if (emulator_ == nullptr) GTEST_SKIP() << "no emulator";
  }

  static std::string Ep(const char* name) { return emulator_->Endpoint(name); }

  // A cloud session as the agent builds it, against the emulator: no local Azure signs (the
  // fake tree is empty), so the metadata service is only asked where the test says.
  std::unique_ptr<CloudSession> Session(CloudOptions options, testing::FakeWorld* world = nullptr,
                                        std::chrono::seconds run_time = 60s) {
    if (options.arm_endpoint.empty()) options.arm_endpoint = Ep("arm_endpoint");
    options.deadline = std::chrono::steady_clock::now() + run_time;
    if (options.arc_token_dir.empty()) options.arc_token_dir = Ep("key_dir");
    auto session =
        CloudSession::Create((world ? *world : world_).Ctx(), *real_fs_, options, MakeHttpClient());
    Remember(session->Access());
    return session;
  }
  CloudOptions Vm() {
    CloudOptions options;
    options.imds_endpoint = Ep("imds_endpoint");
    return options;
  }
  void ArcEnvironment(testing::FakeWorld* world = nullptr) {
    (world ? *world : world_).env.Set("IDENTITY_ENDPOINT", Ep("identity_endpoint"));
    (world ? *world : world_).env.Set("IMDS_ENDPOINT", Ep("himds_endpoint"));
  }
  // Everything the agent could print about the cloud: the report's environment object and
  // every error message, for the secret grep.
  void Remember(const azure::CloudAccess& access) {
    outputs_ << EnvironmentReport(nlohmann::json::object(), &access).dump() << "\n";
  }
  void Remember(const azure::ArmOutcome& outcome) {
    if (outcome.error) outputs_ << outcome.error->code << " " << outcome.error->message << "\n";
  }
  std::vector<nlohmann::json> Entries(const std::string& family) {
    std::vector<nlohmann::json> out;
    for (auto& e : emulator_->Log()) {
      if (e.value("family", "") == family) out.push_back(e);
    }
    return out;
  }
  static std::string PricingPath() {
    return std::string("/subscriptions/") + kSubscription +
           "/providers/Microsoft.Security/pricings/VirtualMachines";
  }

  static testing::AzureEmulator* emulator_;
  static std::ostringstream log_;
  static std::ostringstream outputs_;
  testing::FakeWorld world_;
  std::unique_ptr<FileSystem> real_fs_ = MakeFileSystem("/");
};

testing::AzureEmulator* AzureAccess::emulator_ = nullptr;
std::ostringstream AzureAccess::log_;
std::ostringstream AzureAccess::outputs_;

TEST_F(AzureAccess, AzureVmThroughImdsWithSystemAssignedIdentity) {
  ASSERT_TRUE(emulator_->Use("azure_vm_onboarded_p2"));
  auto session = Session(Vm());
  const auto& access = session->Access();
  EXPECT_EQ(access.machine.kind, EnvironmentKind::kAzureVm);
  EXPECT_TRUE(access.machine.confirmed);
  EXPECT_EQ(access.machine.subscription_id, kSubscription);
  EXPECT_FALSE(access.machine.resource_id.empty());
  EXPECT_EQ(access.identity_description, "system-assigned managed identity");
  ASSERT_NE(access.arm, nullptr) << access.identity_error->message;
  EXPECT_EQ(access.arm->Endpoint(), Ep("arm_endpoint"));
  auto pricing = access.arm->Get(PricingPath(), "2024-01-01");
  Remember(pricing);
  ASSERT_TRUE(pricing.Ok()) << pricing.error->message;
  EXPECT_EQ((*pricing.body)["properties"]["pricingTier"], "Standard");
  EXPECT_FALSE(pricing.request_id.empty());

  const auto report = EnvironmentReport(nlohmann::json::object(), &access);
  EXPECT_EQ(report["kind"], "azure_vm");
  EXPECT_EQ(report["cloud"], "AzurePublicCloud");
  EXPECT_EQ(report["subscription_id"], kSubscription);
  EXPECT_EQ(report["identity"], "system-assigned managed identity");
  EXPECT_TRUE(report["identity_error"].is_null());

  // The probe and the token request went without a proxy and with Metadata: true.
  const auto metadata = Entries("imds");
  ASSERT_EQ(metadata.size(), 1u);
  EXPECT_EQ(metadata[0]["headers"].value("metadata", ""), "true");
  EXPECT_EQ(metadata[0]["query"].value("api-version", ""), "2021-02-01");
  const auto tokens = Entries("imds_identity");
  ASSERT_EQ(tokens.size(), 1u);
  EXPECT_EQ(tokens[0]["headers"].value("metadata", ""), "true");
  EXPECT_EQ(tokens[0]["query"].value("api-version", ""), "2018-02-01");
  // ARM saw our client request id.
  const auto arm = Entries("arm");
  ASSERT_EQ(arm.size(), 1u);
  EXPECT_EQ(arm[0]["headers"].value("x-ms-client-request-id", "").size(), 36u) << arm[0].dump();
}

TEST_F(AzureAccess, UserAssignedIdentityByClientId) {
  ASSERT_TRUE(emulator_->Use("user_assigned_identity"));
  CloudOptions options = Vm();
  options.client_id = kUserAssignedClientId;
  auto session = Session(options);
  ASSERT_NE(session->Access().arm, nullptr) << session->Access().identity_error->message;
  EXPECT_EQ(session->Access().identity_description,
            std::string("user-assigned managed identity ") + kUserAssignedClientId);
  const auto tokens = Entries("imds_identity");
  ASSERT_EQ(tokens.size(), 1u);
  EXPECT_EQ(tokens[0]["query"].value("client_id", ""), kUserAssignedClientId);
  EXPECT_TRUE(session->Access().arm->Get(PricingPath(), "2024-01-01").Ok());
}

TEST_F(AzureAccess, UserAssignedClientIdFromEnvironment) {
  ASSERT_TRUE(emulator_->Use("user_assigned_identity"));
  world_.env.Set("AZURE_CLIENT_ID", kUserAssignedClientId);
  auto session = Session(Vm());
  ASSERT_NE(session->Access().arm, nullptr);
  EXPECT_NE(session->Access().identity_description.find(kUserAssignedClientId), std::string::npos);
}

TEST_F(AzureAccess, NoIdentityIsAClearErrorAndTheMachineIsStillKnown) {
  ASSERT_TRUE(emulator_->Use("no_identity"));
  auto session = Session(Vm());
  const auto& access = session->Access();
  EXPECT_EQ(access.arm, nullptr);
  ASSERT_TRUE(access.identity_error);
  EXPECT_EQ(access.identity_error->code, azure::kNoIdentity);
  EXPECT_EQ(access.identity_error->status, 400);
  EXPECT_NE(access.identity_error->message.find("Security Reader"), std::string::npos);
  EXPECT_TRUE(access.machine.confirmed);
  EXPECT_EQ(access.machine.subscription_id, kSubscription);
  const auto report = EnvironmentReport(nlohmann::json::object(), &access);
  EXPECT_EQ(report["identity_error"]["code"], "NoIdentity");
}

TEST_F(AzureAccess, ArcMachineThroughTheKeyFileChallenge) {
  ASSERT_TRUE(emulator_->Use("arc_machine"));
  ArcEnvironment();
  auto session = Session({});
  const auto& access = session->Access();
  EXPECT_EQ(access.machine.kind, EnvironmentKind::kAzureArc);
  EXPECT_TRUE(access.machine.confirmed);
  EXPECT_NE(access.machine.resource_id.find("HybridCompute/machines"), std::string::npos);
  EXPECT_EQ(access.identity_description, "Arc machine identity");
  ASSERT_NE(access.arm, nullptr) << access.identity_error->message;
  EXPECT_TRUE(access.arm->Get(PricingPath(), "2024-01-01").Ok());
  bool answered = false;
  for (const auto& e : Entries("himds_identity")) {
    for (const auto& note : e.value("notes", nlohmann::json::array())) {
      answered = answered || note == "himds_challenge_answered";
    }
  }
  EXPECT_TRUE(answered);
  // IMDS (the VM one) was never asked.
  EXPECT_TRUE(Entries("imds").empty());
}

TEST_F(AzureAccess, EveryHostileArcChallengeIsRefused) {
  for (const char* mode : {"outside_dir", "dotdot", "subdir", "wrong_suffix", "oversized",
                           "symlink", "missing_file", "no_header", "malformed_header"}) {
    SCOPED_TRACE(mode);
    ASSERT_TRUE(emulator_->Use(std::string("arc_challenge_") + mode));
    testing::FakeWorld world;
    world.env.Set("IDENTITY_ENDPOINT", Ep("identity_endpoint"));
    world.env.Set("IMDS_ENDPOINT", Ep("himds_endpoint"));
    CloudOptions options;
    options.arm_endpoint = Ep("arm_endpoint");
    options.arc_token_dir = Ep("key_dir");
    options.deadline = std::chrono::steady_clock::now() + 60s;
    auto session = CloudSession::Create(world.Ctx(), *real_fs_, options, MakeHttpClient());
    Remember(session->Access());
    EXPECT_TRUE(session->Access().machine.confirmed);
    EXPECT_EQ(session->Access().arm, nullptr);
    ASSERT_TRUE(session->Access().identity_error);
    EXPECT_EQ(session->Access().identity_error->code, azure::kNoIdentity);
    for (const auto& e : emulator_->Log()) {
      EXPECT_EQ(e.dump().find("hostile_challenge_answered"), std::string::npos) << e.dump();
    }
  }
}

TEST_F(AzureAccess, ServicePrincipalOutsideAzure) {
  ASSERT_TRUE(emulator_->Use("outside_azure"));
  world_.env.Set("AZURE_TENANT_ID", kTenant);
  world_.env.Set("AZURE_CLIENT_ID", kSpClientId);
  world_.env.Set("AZURE_CLIENT_SECRET", kSpSecret);
  world_.env.Set("AZURE_AUTHORITY_HOST", Ep("authority_host"));
  CloudOptions options;
  options.designated_subscription = kSubscription;
  auto session = Session(options);
  const auto& access = session->Access();
  EXPECT_EQ(access.machine.kind, EnvironmentKind::kOther);
  EXPECT_FALSE(access.machine.confirmed);
  EXPECT_EQ(access.designated_subscription, kSubscription);
  EXPECT_EQ(access.identity_description, std::string("service principal ") + kSpClientId);
  ASSERT_NE(access.arm, nullptr) << access.identity_error->message;
  auto pricing = access.arm->Get(PricingPath(), "2024-01-01");
  Remember(pricing);
  ASSERT_TRUE(pricing.Ok()) << pricing.error->message;
  const auto entra = Entries("entra");
  ASSERT_EQ(entra.size(), 1u);
  EXPECT_EQ(entra[0].value("method", ""), "POST");
  // Outside Azure no metadata service is asked.
  EXPECT_TRUE(Entries("imds").empty());
  EXPECT_TRUE(Entries("himds").empty());
}

TEST_F(AzureAccess, WrongClientSecretIsAnErrorWithoutTheSecret) {
  ASSERT_TRUE(emulator_->Use("outside_azure"));
  world_.env.Set("AZURE_TENANT_ID", kTenant);
  world_.env.Set("AZURE_CLIENT_ID", kSpClientId);
  world_.env.Set("AZURE_CLIENT_SECRET", "wrong-secret-DO-NOT-PRINT");
  world_.env.Set("AZURE_AUTHORITY_HOST", Ep("authority_host"));
  auto session = Session({});
  ASSERT_TRUE(session->Access().identity_error);
  EXPECT_EQ(session->Access().identity_error->status, 401);
  EXPECT_NE(session->Access().identity_error->message.find("AADSTS7000215"), std::string::npos);
  EXPECT_EQ(session->Access().identity_error->message.find("DO-NOT-PRINT"), std::string::npos);
  EXPECT_EQ(log_.str().find("DO-NOT-PRINT"), std::string::npos);
}

TEST_F(AzureAccess, NoAzureSignMeansNoNetworkAtAll) {
  ASSERT_TRUE(emulator_->Use("outside_azure"));
  std::atomic<int> sent{0};
  CloudOptions options;  // no --imds-endpoint, no --arm-endpoint
  options.deadline = std::chrono::steady_clock::now() + 60s;
  auto session = CloudSession::Create(world_.Ctx(), *real_fs_, options,
                                      std::make_unique<CountingHttpClient>(sent));
  EXPECT_EQ(sent.load(), 0);
  EXPECT_EQ(session->Access().machine.kind, EnvironmentKind::kOther);
  EXPECT_EQ(session->Access().arm, nullptr);
  ASSERT_TRUE(session->Access().identity_error);
  EXPECT_NE(session->Access().identity_error->message.find("AZURE_CLIENT_SECRET"),
            std::string::npos);
  const auto report = EnvironmentReport(nlohmann::json::object(), &session->Access());
  EXPECT_EQ(report["kind"], "other");
  EXPECT_TRUE(report["subscription_id"].is_null());
}

TEST_F(AzureAccess, AuthorizationFailedNamesTheMissingAction) {
  ASSERT_TRUE(emulator_->Use("authorization_failed"));
  auto session = Session(Vm());
  ASSERT_NE(session->Access().arm, nullptr);
  auto pricing = session->Access().arm->Get(PricingPath(), "2024-01-01");
  Remember(pricing);
  ASSERT_FALSE(pricing.Ok());
  EXPECT_EQ(pricing.status, 403);
  EXPECT_EQ(pricing.error->code, "AuthorizationFailed");
  EXPECT_EQ(pricing.error->missing_action, "Microsoft.Security/pricings/read");
  EXPECT_FALSE(pricing.error->request_id.empty());
}

TEST_F(AzureAccess, ListPagesOnTheArmHost) {
  ASSERT_TRUE(
      emulator_->UseInline({{"extends", "azure_vm_onboarded_p2"}, {"paging", {{"page_size", 2}}}}));
  auto session = Session(Vm());
  ASSERT_NE(session->Access().arm, nullptr);
  auto settings = session->Access().arm->List(
      std::string("/subscriptions/") + kSubscription + "/providers/Microsoft.Security/settings",
      "2022-05-01");
  ASSERT_TRUE(settings.Ok());
  EXPECT_FALSE(settings.error) << settings.error->message;
  EXPECT_GT((*settings.body)["value"].size(), 2u);
  EXPECT_GT(Entries("arm").size(), 1u);  // really paged
}

TEST_F(AzureAccess, NextLinkToAnotherHostIsRefused) {
  ASSERT_TRUE(emulator_->Use("hostile_next_link"));
  auto session = Session(Vm());
  ASSERT_NE(session->Access().arm, nullptr);
  auto settings = session->Access().arm->List(
      std::string("/subscriptions/") + kSubscription + "/providers/Microsoft.Security/settings",
      "2022-05-01");
  Remember(settings);
  ASSERT_TRUE(settings.error);
  EXPECT_EQ(settings.error->code, azure::kRefusedUrl);
  ASSERT_TRUE(settings.body);
  EXPECT_EQ((*settings.body)["value"].size(), 2u);  // the first page is kept
  EXPECT_EQ(Entries("arm").size(), 1u);
}

TEST_F(AzureAccess, RetryAfterTwoSecondsIsHonoured) {
  ASSERT_TRUE(emulator_->Use("throttled_retry_after_2"));
  auto session = Session(Vm());
  ASSERT_NE(session->Access().arm, nullptr);
  auto pricing = session->Access().arm->Get(PricingPath(), "2024-01-01");
  ASSERT_TRUE(pricing.Ok()) << pricing.error->message;
  const auto arm = Entries("arm");
  ASSERT_EQ(arm.size(), 2u);
  EXPECT_EQ(arm[0].value("status", 0), 429);
  EXPECT_EQ(arm[1].value("status", 0), 200);
  const long long gap = LogMillis(arm[1]) - LogMillis(arm[0]);
  // The emulator stamps each line when it answers; the retry must come no sooner than asked.
  EXPECT_GE((gap + 86'400'000) % 86'400'000, 2000) << arm[0].dump() << arm[1].dump();
}

TEST_F(AzureAccess, OneTokenServesManyArmCalls) {
  ASSERT_TRUE(emulator_->Use("azure_vm_onboarded_p2"));
  auto session = Session(Vm());
  ASSERT_NE(session->Access().arm, nullptr);
  const std::string sub = std::string("/subscriptions/") + kSubscription;
  EXPECT_TRUE(session->Access().arm->Get(PricingPath(), "2024-01-01").Ok());
  EXPECT_TRUE(session->Access().arm->Get(PricingPath(), "2024-01-01").Ok());  // cached
  EXPECT_TRUE(session->Access()
                  .arm->List(sub + "/providers/Microsoft.Security/settings", "2022-05-01")
                  .Ok());
  EXPECT_TRUE(session->Access()
                  .arm->Get(sub + "/providers/Microsoft.Security/settings/WDATP", "2022-05-01")
                  .Ok());
  EXPECT_EQ(Entries("imds_identity").size(), 1u);
  std::size_t pricing_requests = 0;
  for (const auto& e : Entries("arm")) {
    pricing_requests += e.value("path", "").find("pricings") != std::string::npos;
  }
  EXPECT_EQ(pricing_requests, 1u);  // the second GET came from the cache
  EXPECT_GE(Entries("arm").size(), 3u);
  EXPECT_EQ(session->TokenFetches(), 1);
}

// Faults on ARM (tests/emulator/README.md, "Faults"): every one ends in an answer or an ArmError
// with a fitting code, by the run's deadline, and the session stays usable.
struct FaultCase {
  const char* scenario;
  bool ok;                // the retry decorator gets through
  std::string_view code;  // else the ArmError code
};

void PrintTo(const FaultCase& c, std::ostream* os) { *os << c.scenario; }

class AzureArmFaults : public AzureAccess, public ::testing::WithParamInterface<FaultCase> {};

TEST_P(AzureArmFaults, EndInAnAnswerOrAnArmError) {
  const FaultCase& c = GetParam();
  ASSERT_TRUE(emulator_->Use(c.scenario));
  // Long enough for three backoffs (0.8 + 1.6 + 3.2 s, jitter up to 1.3x), short enough that a
  // hang ends at the deadline.
  auto session = Session(Vm(), nullptr, 12s);
  ASSERT_NE(session->Access().arm, nullptr) << session->Access().identity_error->message;
  auto outcome = session->Access().arm->Get(PricingPath(), "2024-01-01");
  Remember(outcome);
  if (c.ok) {
    EXPECT_TRUE(outcome.Ok()) << outcome.error->code << ": " << outcome.error->message;
    return;
  }
  ASSERT_FALSE(outcome.Ok());
  if (c.code == azure::kTransport) {
    // A hang or a body trickled at 32 B/s ends at the deadline; which of the two codes depends
    // on where the clock stood.
    EXPECT_TRUE(outcome.error->code == azure::kTransport || outcome.error->code == azure::kDeadline)
        << outcome.error->code << ": " << outcome.error->message;
  } else {
    EXPECT_EQ(outcome.error->code, c.code) << outcome.error->message;
  }
  EXPECT_FALSE(outcome.error->message.empty());
}

INSTANTIATE_TEST_SUITE_P(Scenarios, AzureArmFaults,
                         ::testing::Values(FaultCase{"flapping_5xx", true, {}},
                                           FaultCase{"server_errors_3", true, {}},
                                           FaultCase{"slow_body", false, azure::kTransport},
                                           FaultCase{"malformed_json", false, azure::kMalformed},
                                           FaultCase{"oversized_body", false, azure::kMalformed},
                                           FaultCase{"never_ending_body", false, azure::kMalformed},
                                           FaultCase{"truncated_body", false, azure::kTransport},
                                           FaultCase{"connection_reset", false, azure::kTransport},
                                           FaultCase{"hang", false, azure::kTransport}),
                         [](const ::testing::TestParamInfo<FaultCase>& param) {
                           return std::string(param.param.scenario);
                         });

TEST_F(AzureAccess, ImdsGoneIsAnUnconfirmedMachineWithTheReason) {
  ASSERT_TRUE(emulator_->Use("imds_gone_410"));
  auto session = Session(Vm());
  const auto& access = session->Access();
  EXPECT_FALSE(access.machine.confirmed);
  EXPECT_EQ(access.arm, nullptr);
  ASSERT_TRUE(access.identity_error);
  bool said = false;
  for (const auto& note : access.machine.notes)
    said = said || note.find("HTTP 410") != std::string::npos;
  EXPECT_TRUE(said);
  // The probe is not retried (issue 3: no retry on the probe).
  EXPECT_EQ(Entries("imds").size(), 1u);
}

// gtest_discover_tests runs each test in its own process, so this one goes through every kind of
// identity itself (VM, Arc, service principal, a hostile challenge, a wrong secret) and then greps
// everything the layer logged and reported for every token and key-file secret the emulator
// issued, and for the client secret.
TEST_F(AzureAccess, NoSecretInAnyLogOrError) {
  {
    ASSERT_TRUE(emulator_->Use("azure_vm_onboarded_p2"));
    auto session = Session(Vm());
    ASSERT_NE(session->Access().arm, nullptr);
    Remember(session->Access().arm->Get(PricingPath(), "2024-01-01"));
  }
  {
    ASSERT_TRUE(emulator_->Use("authorization_failed"));
    auto session = Session(Vm());
    ASSERT_NE(session->Access().arm, nullptr);
    Remember(session->Access().arm->Get(PricingPath(), "2024-01-01"));
  }
  {
    ASSERT_TRUE(emulator_->Use("arc_machine"));
    testing::FakeWorld arc;
    ArcEnvironment(&arc);
    auto session = Session({}, &arc);
    ASSERT_NE(session->Access().arm, nullptr);
    Remember(session->Access().arm->Get(PricingPath(), "2024-01-01"));
    ASSERT_TRUE(emulator_->Use("arc_challenge_symlink"));
    auto refused = Session({}, &arc);
    EXPECT_EQ(refused->Access().arm, nullptr);
  }
  ASSERT_TRUE(emulator_->Use("outside_azure"));
  world_.env.Set("AZURE_TENANT_ID", kTenant);
  world_.env.Set("AZURE_CLIENT_ID", kSpClientId);
  world_.env.Set("AZURE_CLIENT_SECRET", kSpSecret);
  world_.env.Set("AZURE_AUTHORITY_HOST", Ep("authority_host"));
  {
    auto session = Session({});
    ASSERT_NE(session->Access().arm, nullptr);
    Remember(session->Access().arm->Get(PricingPath(), "2024-01-01"));
  }
  const auto secrets = emulator_->Secrets();
  ASSERT_GE(secrets.size(), 5u);  // 4 tokens, 2 key secrets
  const std::string logged = log_.str();
  const std::string reported = outputs_.str();
  EXPECT_NE(logged.find("x-ms-request-id"), std::string::npos) << "the debug log was not captured";
  EXPECT_NE(reported.find("AuthorizationFailed"), std::string::npos);
  for (const std::string& secret : secrets) {
    ASSERT_GE(secret.size(), 16u);
    EXPECT_EQ(logged.find(secret), std::string::npos) << "a secret leaked into the log";
    EXPECT_EQ(reported.find(secret), std::string::npos) << "a secret leaked into a report";
  }
  EXPECT_EQ(logged.find(kSpSecret), std::string::npos);
  EXPECT_EQ(reported.find(kSpSecret), std::string::npos);
}

}  // namespace
}  // namespace preflight

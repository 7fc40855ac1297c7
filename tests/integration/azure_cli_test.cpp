// The agent binary end to end with the cloud layer: outside Azure (no network), an Azure VM and
// an Arc machine against the loopback emulator. The report's environment object says what was
// confirmed, and neither the report nor the agent's stderr (at -v) holds a token or key secret.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/integration/agent_cli.h"
#include "tests/integration/azure_emulator_process.h"

namespace preflight::testing {
namespace {

constexpr const char* kSubscription = "8d10da13-8125-4ba9-a717-bf7490507b3d";
// One cheap check keeps these runs short; the cloud layer runs before any check regardless.
constexpr const char* kOnly = "linux.resources";

bool HasNote(const nlohmann::json& environment, const std::string& fragment) {
  for (const auto& note : environment.value("notes", nlohmann::json::array())) {
    if (note.is_string() && note.get<std::string>().find(fragment) != std::string::npos) {
      return true;
    }
  }
  return false;
}

void ExpectNoSecrets(AzureEmulator& emulator, const AgentRun& run) {
  const auto secrets = emulator.Secrets();
  EXPECT_FALSE(secrets.empty());
  for (const auto& secret : secrets) {
    EXPECT_EQ(run.out.find(secret), std::string::npos) << "a secret in the report";
    EXPECT_EQ(run.err.find(secret), std::string::npos) << "a secret on stderr";
  }
}

TEST(AzureCli, OutsideAzureTheEnvironmentIsOtherWithoutAnyProbe) {
  const AgentRun run =
      RunAgent({"check", "--format", "json", "--only", kOnly},
               {"-u", "IDENTITY_ENDPOINT", "-u", "IMDS_ENDPOINT", "-u", "AZURE_CLIENT_SECRET"});
  ASSERT_FALSE(run.report.is_discarded()) << run.out << run.err;
  EXPECT_EQ(SchemaViolations(run.report), "");
  const auto& environment = run.report["environment"];
  EXPECT_EQ(environment["kind"], "other");
  EXPECT_EQ(environment["confirmed"], false);
  EXPECT_TRUE(HasNote(environment, "no metadata service was asked")) << environment.dump();
  EXPECT_EQ(environment["identity_error"]["code"], "NoIdentity");
}

std::size_t Count(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

// What a newcomer sees first: the whole text report of a machine outside Azure without an
// identity fits a 41 x 100 terminal (40 before the Network section's header line), and says why
// the cloud checks could not run once.
TEST(AzureCli, OutsideAzureTheTextReportSaysTheCloudCauseOnceIn40Lines) {
  const std::vector<std::string> no_identity = {
      "-u", "IDENTITY_ENDPOINT", "-u", "IMDS_ENDPOINT",       "-u",        "AZURE_TENANT_ID",
      "-u", "AZURE_CLIENT_ID",   "-u", "AZURE_CLIENT_SECRET", "NO_COLOR=1"};
  // A closed loopback port: no metadata service answers, whatever the machine's signs.
  const std::vector<std::string> args = {"check", "--imds-endpoint", "http://127.0.0.1:1"};
  const AgentRun run = RunAgent(args, no_identity);
  ASSERT_TRUE(run.exit_code == 0 || run.exit_code == 1) << run.exit_code << run.err;
  std::size_t lines = 0;
  for (std::size_t start = 0; start < run.out.size(); ++lines) {
    const std::size_t end = run.out.find('\n', start);
    ASSERT_NE(end, std::string::npos) << "the report ends without a newline";
    EXPECT_LE(end - start, 100U) << run.out.substr(start, end - start);
    start = end + 1;
  }
  EXPECT_LE(lines, 41U) << run.out;
  EXPECT_EQ(Count(run.out, "cloud checks could not run: no Azure identity"), 1U) << run.out;
  EXPECT_EQ(Count(run.out, "Security Reader"), 1U) << run.out;
  EXPECT_NE(run.out.find("azure.plan, azure.integration"), std::string::npos) << run.out;

  // The JSON report of the same machine keeps every check whole, each with the shared cause.
  std::vector<std::string> json_args = args;
  json_args.insert(json_args.end(), {"--format", "json"});
  const AgentRun json = RunAgent(json_args, no_identity);
  ASSERT_FALSE(json.report.is_discarded()) << json.out << json.err;
  EXPECT_EQ(SchemaViolations(json.report), "");
  std::size_t with_cause = 0;
  for (const auto& check : json.report["checks"]) {
    const auto& evidence = check["evidence"];
    if (!evidence.contains("cause") || evidence["cause"]["id"] != "azure.no_identity") continue;
    ++with_cause;
    EXPECT_EQ(check["status"], "warn");
    EXPECT_NE(check["summary"].get<std::string>().find("no Azure identity"), std::string::npos);
    EXPECT_NE(check["remediation"].get<std::string>().find("Security Reader"), std::string::npos);
  }
  EXPECT_GE(with_cause, 2U) << json.out;
}

TEST(AzureCli, OfflineLeavesTheCloudOut) {
  const AgentRun run = RunAgent({"check", "--format", "json", "--only", kOnly, "--offline"});
  ASSERT_FALSE(run.report.is_discarded()) << run.out << run.err;
  EXPECT_FALSE(run.report["environment"].contains("identity"));
  EXPECT_EQ(run.report["environment"]["kind"], "other");
}

TEST(AzureCli, AzureVmConfirmedThroughTheEmulator) {
  std::string error;
  auto emulator = AzureEmulator::Start("azure_vm_onboarded_p2", error);
  ASSERT_NE(emulator, nullptr) << error;
  const AgentRun run = RunAgent({"check", "--format", "json", "--only", kOnly, "-v",
                                 "--imds-endpoint", emulator->Endpoint("imds_endpoint"),
                                 "--arm-endpoint", emulator->Endpoint("arm_endpoint")});
  ASSERT_FALSE(run.report.is_discarded()) << run.out << run.err;
  EXPECT_EQ(SchemaViolations(run.report), "");
  const auto& environment = run.report["environment"];
  EXPECT_EQ(environment["kind"], "azure_vm");
  EXPECT_EQ(environment["confirmed"], true);
  EXPECT_EQ(environment["cloud"], "AzurePublicCloud");
  EXPECT_EQ(environment["subscription_id"], kSubscription);
  EXPECT_EQ(environment["identity"], "system-assigned managed identity");
  EXPECT_TRUE(environment["identity_error"].is_null()) << environment.dump();
  ExpectNoSecrets(*emulator, run);
}

TEST(AzureCli, ArcMachineThroughTheTestTokenDirectory) {
  std::string error;
  auto emulator = AzureEmulator::Start("arc_machine", error);
  ASSERT_NE(emulator, nullptr) << error;
  const AgentRun run =
      RunAgent({"check", "--format", "json", "--only", kOnly, "-v", "--arm-endpoint",
                emulator->Endpoint("arm_endpoint")},
               {"IDENTITY_ENDPOINT=" + emulator->Endpoint("identity_endpoint"),
                "IMDS_ENDPOINT=" + emulator->Endpoint("himds_endpoint"),
                "MDE_PREFLIGHT_TEST_ARC_TOKEN_DIR=" + emulator->Endpoint("key_dir")});
  ASSERT_FALSE(run.report.is_discarded()) << run.out << run.err;
  EXPECT_EQ(SchemaViolations(run.report), "");
  const auto& environment = run.report["environment"];
  EXPECT_EQ(environment["kind"], "azure_arc");
  EXPECT_EQ(environment["confirmed"], true);
  EXPECT_EQ(environment["identity"], "Arc machine identity");
  EXPECT_TRUE(environment["identity_error"].is_null()) << environment.dump();
  // The test hook never acts unseen.
  EXPECT_TRUE(HasNote(environment, "MDE_PREFLIGHT_TEST_ARC_TOKEN_DIR"));
  EXPECT_NE(run.err.find("MDE_PREFLIGHT_TEST_ARC_TOKEN_DIR"), std::string::npos);
  ExpectNoSecrets(*emulator, run);
}

TEST(AzureCli, ArcWithoutTheHookRefusesTheEmulatorsKeyDirectory) {
  std::string error;
  auto emulator = AzureEmulator::Start("arc_machine", error);
  ASSERT_NE(emulator, nullptr) << error;
  const AgentRun run = RunAgent({"check", "--format", "json", "--only", kOnly, "--arm-endpoint",
                                 emulator->Endpoint("arm_endpoint")},
                                {"-u", "MDE_PREFLIGHT_TEST_ARC_TOKEN_DIR",
                                 "IDENTITY_ENDPOINT=" + emulator->Endpoint("identity_endpoint"),
                                 "IMDS_ENDPOINT=" + emulator->Endpoint("himds_endpoint")});
  ASSERT_FALSE(run.report.is_discarded()) << run.out << run.err;
  const auto& environment = run.report["environment"];
  EXPECT_EQ(environment["kind"], "azure_arc");
  EXPECT_EQ(environment["identity_error"]["code"], "NoIdentity");
  EXPECT_NE(
      environment["identity_error"]["message"].get<std::string>().find("/var/opt/azcmagent/tokens"),
      std::string::npos);
}

}  // namespace
}  // namespace preflight::testing

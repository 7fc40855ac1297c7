// azure.edr against the loopback Azure emulator (tests/emulator, real HTTP, real ARM client and
// paging) with the machine's side taken from the MDE fixture trees of tests/data/mde, so that
// both local views are run: MDE onboarded here (installed_onboarded) and no MDE (absent). The
// end-to-end tests of the binary (tests/emulator/test_agent_e2e.py) can only run this host's
// view, which has no MDE.
//
// Body shapes the emulator serves (tests/emulator/arm_shapes.py): the machine's assessment list in
// the item shape of the spec's ListAssessments_example.json (2021-06-01); "EDR solution should
// be installed on Virtual Machines" with its "Discovered EDRs" (defender-docs
// endpoint-detection-response-solution-recommendations.md, ms.date 06/02/2026); the individual
// EDR-health recommendations of defender-docs transition-grouped-individual-recommendations.md
// (ms.date 06/29/2026).

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>

#include "agent/cloud_session.h"
#include "platform/file_system.h"
#include "platform/http.h"
#include "probes/azure/edr_check.h"
#include "tests/integration/azure_emulator_process.h"
#include "tests/unit/cloud_fixture.h"
#include "tests/unit/hostchecks_fixture.h"

namespace preflight {
namespace {

using testing::Contains;

class EdrAgainstEmulator : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::string error;
    emulator_ = testing::AzureEmulator::Start("azure_vm_onboarded_p2", error).release();
    ASSERT_NE(emulator_, nullptr) << error;
  }
  static void TearDownTestSuite() {
    delete emulator_;
    emulator_ = nullptr;
  }
  void SetUp() override {
    if (emulator_ == nullptr) GTEST_SKIP() << "no emulator";
  }

  // azure.edr in `scenario`, the machine's files being the MDE fixture `tree`.
  CheckResult Run(const std::string& scenario, const std::string& tree) {
    EXPECT_TRUE(emulator_->Use(scenario));
    testing::CloudWorld world;
    world.UseTree(testing::MdeCase(tree));
    CloudOptions options;
    options.imds_endpoint = emulator_->Endpoint("imds_endpoint");
    options.arm_endpoint = emulator_->Endpoint("arm_endpoint");
    options.deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    const std::unique_ptr<FileSystem> key_fs = MakeFileSystem("/");
    const auto session = CloudSession::Create(world.Ctx(), *key_fs, options, MakeHttpClient());
    world.access = session->Access();
    EXPECT_NE(world.access.arm, nullptr);
    return EdrCheck().Run(world.Ctx());
  }

  static testing::AzureEmulator* emulator_;
};

testing::AzureEmulator* EdrAgainstEmulator::emulator_ = nullptr;

TEST_F(EdrAgainstEmulator, MdeDiscoveredAndOnboardedHerePasses) {
  const CheckResult r = Run("azure_vm_onboarded_p2", "installed_onboarded");
  EXPECT_EQ(r.status, Status::kPass) << r.summary;
  EXPECT_TRUE(Contains(r.summary, "discovered Microsoft Defender for Endpoint")) << r.summary;
  EXPECT_EQ(r.report.at("cloud").at("edr").at("mde_discovered"), true);
}

TEST_F(EdrAgainstEmulator, AnotherEdrWarnsNamingIt) {
  const CheckResult r = Run("edr_other_discovered", "absent");
  EXPECT_EQ(r.status, Status::kWarn) << r.summary;
  EXPECT_TRUE(Contains(r.summary, "discovered CrowdStrike (Falcon) on this machine")) << r.summary;
}

TEST_F(EdrAgainstEmulator, NoneDiscoveredOnPlan2FailsWithTheRemediation) {
  const CheckResult r = Run("edr_none_discovered", "absent");
  EXPECT_EQ(r.status, Status::kFail) << r.summary;
  EXPECT_TRUE(Contains(r.remediation, "azure.integration")) << r.remediation;
}

TEST_F(EdrAgainstEmulator, HealthRecommendationsWarnEach) {
  const CheckResult r = Run("edr_health_issues", "installed_onboarded");
  EXPECT_EQ(r.status, Status::kWarn) << r.summary;
  ASSERT_EQ(r.evidence.at("findings").size(), 3U) << r.summary;
  EXPECT_TRUE(Contains(r.summary, "is off or partially configured")) << r.summary;
  EXPECT_TRUE(Contains(r.summary, "uses outdated signatures")) << r.summary;
  EXPECT_TRUE(Contains(r.summary, "are out of 7 days")) << r.summary;
}

TEST_F(EdrAgainstEmulator, OnboardedHereButNoneDiscoveredWarnsNamingBothSides) {
  const CheckResult r = Run("edr_none_discovered", "installed_onboarded");
  EXPECT_EQ(r.status, Status::kWarn) << r.summary;
  EXPECT_TRUE(Contains(r.summary,
                       "MDE is onboarded on this machine (mde.install), but Defender "
                       "for Cloud discovered no EDR"))
      << r.summary;
}

}  // namespace
}  // namespace preflight

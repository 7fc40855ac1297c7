// A report with a filled `cloud` section and a `publish` object, produced by the real cloud
// checks over the fake ARM client, validates against agent/schema/report.schema.json (with the
// real validator, tests/tools/validate_report.py).

#include <unistd.h>

#include <cstdio>
#include <fstream>

#include <gtest/gtest.h>

#include "agent/check_registry.h"
#include "agent/publish.h"
#include "agent/report.h"
#include "platform/process_runner.h"
#include "tests/unit/cloud_fixture.h"

namespace preflight {
namespace {

using testing::ArmAuthorizationFailed;
using testing::ArmFail;
using testing::ArmOk;
using testing::CloudWorld;
namespace shapes = testing::arm_shapes;

std::string SchemaViolations(const nlohmann::json& report) {
  char path[] = "/tmp/mde-preflight-cloud-report-XXXXXX";
  const int fd = ::mkstemp(path);
  if (fd < 0) return "cannot create a temporary file";
  ::close(fd);
  std::ofstream(path) << report.dump();
  auto result = MakeProcessRunner()->Run(
      {PREFLIGHT_PYTHON, PREFLIGHT_SOURCE_DIR "/tests/tools/validate_report.py",
       PREFLIGHT_SOURCE_DIR "/agent/schema/report.schema.json", path},
      std::chrono::seconds(60), 1024 * 1024);
  std::remove(path);
  if (!result.Ok()) return "validator did not run: " + result.Err().message;
  if (result.Value().exit_code != 0) return result.Value().err;
  return {};
}

nlohmann::json ReportOf(CloudWorld& world) {
  ReportInputs in;
  in.agent_version = "0.1.0";
  in.generated_at = std::chrono::system_clock::now();
  in.host = {{"hostname", "vm-preflight-01"},
             {"arch", "x86_64"},
             {"kernel", "6.1.0"},
             {"os",
              {{"family", "linux"},
               {"id", "debian"},
               {"version_id", "12"},
               {"pretty_name", "Debian GNU/Linux 12"}}}};
  in.environment = {{"kind", "azure_vm"},
                    {"cloud", "AzurePublicCloud"},
                    {"subscription_id", shapes::kSub},
                    {"resource_group", "rg-preflight"},
                    {"resource_id", shapes::kVmId},
                    {"vm_id", nullptr},
                    {"location", "westeurope"}};
  in.os_family = "linux";
  for (const auto& check : MakePlatformChecks()) {
    if (check->Id().rfind("azure.", 0) != 0 || check->Id() == "azure.extension.local") continue;
    CheckRun run;
    run.id = std::string(check->Id());
    run.title = std::string(check->Title());
    run.result = check->Run(world.Ctx());
    in.runs.push_back(std::move(run));
  }
  nlohmann::json report = BuildReport(in);
  report["publish"] = PublishReadinessTags(report, &world.access);
  return report;
}

TEST(ReportCloudSchema, OnboardedP2ValidatesWithEveryCloudField) {
  CloudWorld world;
  world.NoIndividualRecommendations();
  world.PlanP2();
  const std::string sec = shapes::SubScope() + "/providers/Microsoft.Security";
  world.arm.OnList(sec + "/settings", "2022-05-01", ArmOk(shapes::DefaultSettings()));
  world.arm.OnGet(sec + "/serverVulnerabilityAssessmentsSettings/azureServersSetting", "2023-05-01",
                  ArmOk(shapes::VaSettingBody()));
  world.arm.OnGet(std::string(shapes::kVmId) + "/extensions/MDE.Linux", "2024-07-01",
                  ArmOk(shapes::VmExtensionBody("Succeeded", {})), "$expand=instanceView");
  const std::string assessment = std::string(shapes::kVmId) +
                                 "/providers/Microsoft.Security/assessments/" +
                                 shapes::kFindingsKey;
  world.arm.OnGet(assessment, "2021-06-01",
                  ArmOk(shapes::AssessmentBody(shapes::kVmId, "Unhealthy")));
  world.arm.OnList(assessment + "/subAssessments", "2019-01-01-preview",
                   ArmOk(shapes::SubAssessmentsBody(shapes::kVmId, shapes::ScenarioFindings())));
  world.arm.OnSend("PATCH",
                   std::string(shapes::kVmId) + "/providers/Microsoft.Resources/tags/default",
                   "2021-04-01", ArmOk({{"properties", {{"tags", nlohmann::json::object()}}}}));
  const nlohmann::json report = ReportOf(world);
  EXPECT_EQ(report.at("cloud").at("sub_plan"), "P2");
  EXPECT_EQ(report.at("cloud").at("vulnerability_findings").at("count"), 4);
  EXPECT_EQ(report.at("publish").at("status"), "published");
  EXPECT_EQ(SchemaViolations(report), "");
}

TEST(ReportCloudSchema, ErrorsAndRefusedTagsValidate) {
  CloudWorld world;
  world.arm.OnGet(shapes::SubScope() + "/providers/Microsoft.Security/pricings/VirtualMachines",
                  "2024-01-01",
                  ArmAuthorizationFailed("Microsoft.Security/pricings/read", shapes::SubScope()));
  world.arm.OnSend("PATCH",
                   std::string(shapes::kVmId) + "/providers/Microsoft.Resources/tags/default",
                   "2021-04-01", ArmFail(403, "AuthorizationFailed", "no", "req-7"));
  const nlohmann::json report = ReportOf(world);
  EXPECT_GE(report.at("cloud").at("errors").size(), 5U);
  EXPECT_EQ(report.at("publish").at("status"), "failed");
  EXPECT_EQ(SchemaViolations(report), "");
}

}  // namespace
}  // namespace preflight

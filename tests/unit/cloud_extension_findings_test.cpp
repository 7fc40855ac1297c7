// Unit tests of azure.extension, azure.vulnerability_findings and azure.org_match over the fake
// ARM client and, for the comparison with the machine, the MDE fixture trees in tests/data/mde.

#include <gtest/gtest.h>

#include "agent/check_registry.h"
#include "agent/report.h"
#include "probes/azure/extension_check.h"
#include "probes/azure/org_match_check.h"
#include "probes/azure/vulnerability_findings_check.h"
#include "tests/unit/cloud_fixture.h"
#include "tests/unit/hostchecks_fixture.h"

namespace preflight {
namespace {

using testing::ArmAuthorizationFailed;
using testing::ArmFail;
using testing::ArmOk;
using testing::CloudWorld;
using testing::Contains;
namespace shapes = testing::arm_shapes;

const std::string kVmExt = std::string(shapes::kVmId) + "/extensions/MDE.Linux";
const std::string kArcExt = std::string(shapes::kArcId) + "/extensions/MDE.Linux";
const std::string kAssessment = std::string(shapes::kVmId) +
                                "/providers/Microsoft.Security/assessments/" + shapes::kFindingsKey;
const std::string kOnboarding =
    shapes::SubScope() + "/providers/Microsoft.Security/mdeOnboardings/default";
constexpr const char* kExpand = "$expand=instanceView";

const nlohmann::json& Cloud(const CheckResult& r) { return r.report.at("cloud"); }

shapes::ExtStatus FailedExit5() {
  // The extension_failed_exit5 scenario's status.
  shapes::ExtStatus s;
  s.code = "ProvisioningState/failed/5";
  s.level = "Error";
  s.display_status = "Provisioning failed";
  s.message =
      "Enable failed for MDE.Linux: the onboarding script mde_installer.sh did not complete and "
      "the installer exited with 5 (ERR_CONFLICTING_APPS): a conflicting security product holds "
      "fanotify permission events.";
  return s;
}

// ---- azure.extension -------------------------------------------------------------------

TEST(ExtensionCheck, SucceededPasses) {
  CloudWorld world;
  world.arm.OnGet(kVmExt, "2024-07-01", ArmOk(shapes::VmExtensionBody("Succeeded", {})), kExpand);
  const CheckResult r = ExtensionCheck().Run(world.Ctx());
  EXPECT_EQ(r.status, Status::kPass) << r.summary;
  EXPECT_EQ(Cloud(r).at("extension_provisioning_state"), "Succeeded");
  EXPECT_EQ(r.evidence.at("shape"), "vm");
  EXPECT_EQ(r.evidence.at("handler_version"), "1.0.9.5");
  EXPECT_EQ(r.evidence.at("statuses")[0].at("level"), "Info");
  EXPECT_EQ(r.evidence.at("present"), true);
}

TEST(ExtensionCheck, FailedWithInstallerExitCode5IsExplained) {
  CloudWorld world;
  shapes::ExtStatus sub;
  sub.code = "ComponentStatus/Installation/failed";
  sub.level = "Error";
  sub.message = "mde_installer.sh exit code 5: ERR_CONFLICTING_APPS";
  world.arm.OnGet(kVmExt, "2024-07-01",
                  ArmOk(shapes::VmExtensionBody("Failed", FailedExit5(), {sub})), kExpand);
  const CheckResult r = ExtensionCheck().Run(world.Ctx());
  EXPECT_EQ(r.status, Status::kFail);
  EXPECT_TRUE(Contains(r.summary, "failed (provisioningState Failed)")) << r.summary;
  EXPECT_TRUE(Contains(r.summary, "exited with 5 (ERR_CONFLICTING_APPS)")) << r.summary;
  EXPECT_TRUE(Contains(r.remediation, "passive mode")) << r.remediation;
  EXPECT_EQ(r.evidence.at("installer_exit_code"), 5);
  EXPECT_EQ(r.evidence.at("installer_error"), "ERR_CONFLICTING_APPS");
  EXPECT_EQ(Cloud(r).at("extension_provisioning_state"), "Failed");
}

TEST(ExtensionCheck, TransitioningWarns) {
  CloudWorld world;
  shapes::ExtStatus s;
  s.code = "ProvisioningState/transitioning";
  s.display_status = "Transitioning";
  world.arm.OnGet(kVmExt, "2024-07-01", ArmOk(shapes::VmExtensionBody("Creating", s)), kExpand);
  const CheckResult r = ExtensionCheck().Run(world.Ctx());
  EXPECT_EQ(r.status, Status::kWarn);
  EXPECT_TRUE(Contains(r.summary, "still being deployed")) << r.summary;
  EXPECT_EQ(Cloud(r).at("extension_provisioning_state"), "Creating");
}

TEST(ExtensionCheck, AbsentWarnsOnAPlanAndFailsOnFree) {
  CloudWorld world;
  world.PlanP2();
  world.arm.OnGet(kVmExt, "2024-07-01",
                  ArmFail(404, "ResourceNotFound", shapes::ExtensionNotFoundMessage("MDE.Linux")),
                  kExpand);
  const CheckResult r = ExtensionCheck().Run(world.Ctx());
  EXPECT_EQ(r.status, Status::kWarn);
  EXPECT_TRUE(Contains(r.summary, "Defender for Servers is on")) << r.summary;
  EXPECT_EQ(Cloud(r).at("extension_provisioning_state"), "Absent");
  EXPECT_EQ(r.evidence.at("present"), false);
  EXPECT_TRUE(Cloud(r).at("errors").empty());

  CloudWorld free_world;
  shapes::Pricing free;
  free.tier = "Free";
  free_world.Plan(free, free);
  free_world.arm.OnGet(kVmExt, "2024-07-01", ArmFail(404, "ResourceNotFound", "gone"), kExpand);
  const CheckResult f = ExtensionCheck().Run(free_world.Ctx());
  EXPECT_EQ(f.status, Status::kFail);
  EXPECT_TRUE(Contains(f.summary, "none will be deployed")) << f.summary;
}

TEST(ExtensionCheck, ArcShapeIsReadWithoutExpand) {
  CloudWorld world(azure::EnvironmentKind::kAzureArc);
  world.arm.OnGet(kArcExt, "2024-07-10", ArmOk(shapes::ArcExtensionBody("Succeeded", {})));
  const CheckResult r = ExtensionCheck().Run(world.Ctx());
  EXPECT_EQ(r.status, Status::kPass) << r.summary;
  EXPECT_EQ(r.evidence.at("shape"), "arc");
  EXPECT_EQ(r.evidence.at("statuses")[0].at("level"), "Info");  // "Information" accepted

  CloudWorld failed(azure::EnvironmentKind::kAzureArc);
  failed.arm.OnGet(kArcExt, "2024-07-10", ArmOk(shapes::ArcExtensionBody("Failed", FailedExit5())));
  const CheckResult f = ExtensionCheck().Run(failed.Ctx());
  EXPECT_EQ(f.status, Status::kFail);
  EXPECT_EQ(f.evidence.at("installer_exit_code"), 5);
}

TEST(ExtensionCheck, WindowsMachinesAskForMdeWindows) {
  CloudWorld world;
  world.access.machine.os_type = "Windows";
  world.arm.OnGet(std::string(shapes::kVmId) + "/extensions/MDE.Windows", "2024-07-01",
                  ArmOk(shapes::VmExtensionBody("Succeeded", {}, {}, "MDE.Windows")), kExpand);
  const CheckResult r = ExtensionCheck().Run(world.Ctx());
  EXPECT_EQ(r.status, Status::kPass) << r.summary;
  EXPECT_EQ(r.evidence.at("extension"), "MDE.Windows");
}

TEST(ExtensionCheck, AuthorizationFailedNamesReaderOnTheMachine) {
  CloudWorld world;
  world.arm.OnGet(
      kVmExt, "2024-07-01",
      ArmAuthorizationFailed("Microsoft.Compute/virtualMachines/extensions/read", kVmExt), kExpand);
  const CheckResult r = ExtensionCheck().Run(world.Ctx());
  EXPECT_EQ(r.status, Status::kWarn);
  EXPECT_TRUE(Contains(r.remediation, "Reader role on the machine")) << r.remediation;
  EXPECT_TRUE(Cloud(r).at("extension_provisioning_state").is_null());
}

TEST(ExtensionCheck, MalformedBodyWarns) {
  CloudWorld world;
  world.arm.OnGet(kVmExt, "2024-07-01", ArmOk({{"properties", {{"instanceView", 3}}}}), kExpand);
  const CheckResult r = ExtensionCheck().Run(world.Ctx());
  EXPECT_EQ(r.status, Status::kWarn);
  EXPECT_EQ(Cloud(r).at("errors")[0].at("code"), "MalformedResponse");
}

TEST(ExtensionCheck, OutsideAzureIsNotApplicable) {
  CloudWorld world(azure::EnvironmentKind::kOther);
  const CheckResult r = ExtensionCheck().Run(world.Ctx());
  EXPECT_EQ(r.status, Status::kSkip);
  EXPECT_EQ(r.evidence.at("reason"), "not_an_azure_resource");
}

TEST(ExtensionCheck, ComparesWithTheLocalFolder) {
  // Azure says succeeded, the machine's status file says the last run failed with exit 5.
  CloudWorld world;
  world.UseTree(testing::MdeCase("ext_error_exit5"));
  world.arm.OnGet(kVmExt, "2024-07-01", ArmOk(shapes::VmExtensionBody("Succeeded", {})), kExpand);
  const CheckResult r = ExtensionCheck().Run(world.Ctx());
  EXPECT_EQ(r.status, Status::kFail);
  EXPECT_TRUE(Contains(r.summary, "its local status is error")) << r.summary;
  EXPECT_EQ(r.evidence.at("local").at("found"), true);
  EXPECT_EQ(r.evidence.at("local").at("installer_exit_code"), 5);

  // ARM's message names no code: the local installer log explains the failure.
  CloudWorld vague;
  vague.UseTree(testing::MdeCase("ext_error_exit5"));
  shapes::ExtStatus s = FailedExit5();
  s.message = "Enable failed.";
  vague.arm.OnGet(kVmExt, "2024-07-01", ArmOk(shapes::VmExtensionBody("Failed", s)), kExpand);
  const CheckResult v = ExtensionCheck().Run(vague.Ctx());
  EXPECT_EQ(v.status, Status::kFail);
  EXPECT_EQ(v.evidence.at("installer_exit_code"), 5);
  EXPECT_EQ(v.evidence.at("installer_exit_code_source"), "local_log");

  // ARM has no extension, yet its folder is on the machine.
  CloudWorld leftover;
  leftover.UseTree(testing::MdeCase("ext_success"));
  leftover.PlanP2();
  leftover.arm.OnGet(kVmExt, "2024-07-01", ArmFail(404, "ResourceNotFound", "gone"), kExpand);
  const CheckResult l = ExtensionCheck().Run(leftover.Ctx());
  EXPECT_EQ(l.status, Status::kWarn);
  EXPECT_TRUE(Contains(l.summary, "folder is on the machine")) << l.summary;
}

// ---- azure.vulnerability_findings ------------------------------------------------------

TEST(VulnerabilityFindingsCheck, HealthyPasses) {
  CloudWorld world;
  world.NoIndividualRecommendations();
  world.arm.OnGet(kAssessment, "2021-06-01",
                  ArmOk(shapes::AssessmentBody(shapes::kVmId, "Healthy")));
  const CheckResult r = VulnerabilityFindingsCheck().Run(world.Ctx());
  EXPECT_EQ(r.status, Status::kPass) << r.summary;
  EXPECT_EQ(
      Cloud(r).at("vulnerability_findings"),
      nlohmann::json({{"status", "Healthy"},
                      {"count", 0},
                      {"cves", nlohmann::json::array()},
                      {"model", "grouped"},
                      {"by_severity",
                       {{"Critical", 0}, {"High", 0}, {"Medium", 0}, {"Low", 0}, {"Other", 0}}}}));
}

TEST(VulnerabilityFindingsCheck, UnhealthyWarnsWithTheCves) {
  CloudWorld world;
  world.NoIndividualRecommendations();
  world.arm.OnGet(kAssessment, "2021-06-01",
                  ArmOk(shapes::AssessmentBody(shapes::kVmId, "Unhealthy")));
  auto findings = shapes::ScenarioFindings();
  findings.push_back(
      {"healthy-one", "fixed", "Low", "v", "n", "1", {{"CVE-2020-0001", "Low"}}, "Healthy"});
  world.arm.OnList(kAssessment + "/subAssessments", "2019-01-01-preview",
                   ArmOk(shapes::SubAssessmentsBody(shapes::kVmId, findings)));
  const CheckResult r = VulnerabilityFindingsCheck().Run(world.Ctx());
  EXPECT_EQ(r.status, Status::kWarn);
  EXPECT_TRUE(Contains(r.summary, "4 CVE(s) in 3 finding(s)")) << r.summary;
  EXPECT_TRUE(Contains(r.summary, "CVE-2023-38545 (Critical)")) << r.summary;
  const auto& vf = Cloud(r).at("vulnerability_findings");
  EXPECT_EQ(vf.at("status"), "Unhealthy");
  EXPECT_EQ(vf.at("count"), 4);
  // Most severe first, then by id.
  EXPECT_EQ(vf.at("cves"),
            nlohmann::json({"CVE-2023-38545", "CVE-2023-4911", "CVE-2024-6387", "CVE-2023-51385"}));
  EXPECT_EQ(r.evidence.at("vulnerabilities")[0].at("software"), "gnu glibc 2.35-0ubuntu3.1");
}

TEST(VulnerabilityFindingsCheck, NoResultsYetSaysHowLongSinceOnboarding) {
  const auto time_ago = [](std::chrono::hours ago) {
    return FormatRfc3339(std::chrono::system_clock::now() - ago);
  };
  for (const auto& [ago, part] : std::vector<std::pair<std::chrono::hours, std::string>>{
           {std::chrono::hours(3), "within the documented \"up to 12 hours\""},
           {std::chrono::hours(72), "more than the documented \"up to 12 hours\""}}) {
    SCOPED_TRACE(part);
    CloudWorld world;
    world.NoIndividualRecommendations();
    world.arm.OnGet(kAssessment, "2021-06-01", ArmFail(404, "NotFound", "not found"));
    shapes::ExtStatus s;
    s.time = time_ago(ago);
    world.arm.OnGet(kVmExt, "2024-07-01", ArmOk(shapes::VmExtensionBody("Succeeded", s)), kExpand);
    const CheckResult r = VulnerabilityFindingsCheck().Run(world.Ctx());
    EXPECT_EQ(r.status, Status::kWarn);
    EXPECT_TRUE(Contains(r.summary, part)) << r.summary;
    EXPECT_EQ(r.evidence.at("onboarded_at_source"), "extension_arm");
    EXPECT_EQ(Cloud(r).at("vulnerability_findings").at("status"), "NotYetAvailable");
  }
  // Nothing says when: the 12 hours are still named.
  CloudWorld unknown;
  unknown.NoIndividualRecommendations();
  unknown.arm.OnGet(kAssessment, "2021-06-01", ArmFail(404, "NotFound", "not found"));
  const CheckResult u = VulnerabilityFindingsCheck().Run(unknown.Ctx());
  EXPECT_EQ(u.status, Status::kWarn);
  EXPECT_TRUE(Contains(u.summary, "up to 12 hours")) << u.summary;
}

TEST(VulnerabilityFindingsCheck, SubAssessmentFailureKeepsTheStatus) {
  CloudWorld world;
  world.NoIndividualRecommendations();
  world.arm.OnGet(kAssessment, "2021-06-01",
                  ArmOk(shapes::AssessmentBody(shapes::kVmId, "Unhealthy")));
  world.arm.OnList(
      kAssessment + "/subAssessments", "2019-01-01-preview",
      ArmAuthorizationFailed("Microsoft.Security/assessments/subAssessments/read", kAssessment));
  const CheckResult r = VulnerabilityFindingsCheck().Run(world.Ctx());
  EXPECT_EQ(r.status, Status::kWarn);
  EXPECT_EQ(Cloud(r).at("vulnerability_findings").at("status"), "Unhealthy");
  EXPECT_TRUE(Cloud(r).at("vulnerability_findings").at("count").is_null());
  EXPECT_EQ(Cloud(r).at("errors")[0].at("code"), "AuthorizationFailed");
}

TEST(VulnerabilityFindingsCheck, MalformedAssessmentWarns) {
  CloudWorld world;
  world.NoIndividualRecommendations();
  world.arm.OnGet(kAssessment, "2021-06-01", ArmOk({{"properties", {{"status", "x"}}}}));
  const CheckResult r = VulnerabilityFindingsCheck().Run(world.Ctx());
  EXPECT_EQ(r.status, Status::kWarn);
  EXPECT_EQ(Cloud(r).at("errors")[0].at("code"), "MalformedResponse");
  EXPECT_TRUE(Cloud(r).at("vulnerability_findings").is_null());
}

TEST(DescribeAge, ReadsLikeAPerson) {
  EXPECT_EQ(DescribeAge(std::chrono::minutes(5)), "5 min");
  EXPECT_EQ(DescribeAge(std::chrono::hours(3)), "3 h");
  EXPECT_EQ(DescribeAge(std::chrono::hours(75)), "3 d 3 h");
  EXPECT_EQ(DescribeAge(-std::chrono::hours(1)), "0 min");
}

// ---- azure.org_match -------------------------------------------------------------------

void OnboardLocally(CloudWorld& world, const std::string& org_id) {
  world.fs.AddFile("/etc/opt/microsoft/mdatp/mdatp_onboard.json",
                   R"({"onboardingInfo": {"body": {"orgId": ")" + org_id + R"("}}})");
}

TEST(OrgMatchCheck, SameOrganisationPasses) {
  CloudWorld world;
  OnboardLocally(world, shapes::kOrgId);
  world.arm.OnGet(kOnboarding, "2021-10-01-preview",
                  ArmOk(shapes::MdeOnboardingBody(shapes::kOrgId)));
  const CheckResult r = OrgMatchCheck().Run(world.Ctx());
  EXPECT_EQ(r.status, Status::kPass) << r.summary;
  EXPECT_EQ(Cloud(r).at("org_id_match"), true);
  EXPECT_EQ(Cloud(r).at("tenant_org_id"), shapes::kOrgId);
}

TEST(OrgMatchCheck, AnotherOrganisationFails) {
  CloudWorld world;
  OnboardLocally(world, "00000000-1111-2222-3333-444444444444");
  world.arm.OnGet(kOnboarding, "2021-10-01-preview",
                  ArmOk(shapes::MdeOnboardingBody(shapes::kOrgId)));
  const CheckResult r = OrgMatchCheck().Run(world.Ctx());
  EXPECT_EQ(r.status, Status::kFail);
  EXPECT_TRUE(Contains(r.summary, "not reassigned")) << r.summary;
  EXPECT_TRUE(Contains(r.remediation, "Offboard")) << r.remediation;
  EXPECT_EQ(Cloud(r).at("org_id_match"), false);
  EXPECT_EQ(r.evidence.at("local_org_id"), "00000000-1111-2222-3333-444444444444");
}

TEST(OrgMatchCheck, NotOnboardedLocallySkipsAndPackageWithoutOrgWarns) {
  CloudWorld world;
  const CheckResult r = OrgMatchCheck().Run(world.Ctx());
  EXPECT_EQ(r.status, Status::kSkip);
  EXPECT_EQ(r.evidence.at("reason"), "no_local_org_id");
  EXPECT_TRUE(world.arm.calls().empty());

  CloudWorld bad;
  OnboardLocally(bad, shapes::kOrgId);
  nlohmann::json body = shapes::MdeOnboardingBody(shapes::kOrgId);
  body["properties"]["onboardingPackageLinux"] = shapes::Base64("no org here");
  body["properties"]["onboardingPackageWindows"] = "!!not base64!!";
  bad.arm.OnGet(kOnboarding, "2021-10-01-preview", ArmOk(body));
  const CheckResult b = OrgMatchCheck().Run(bad.Ctx());
  EXPECT_EQ(b.status, Status::kWarn);
  EXPECT_EQ(Cloud(b).at("errors")[0].at("code"), "MalformedResponse");
}

// ---- the cloud section of the report ----------------------------------------------------

TEST(CloudReport, ChecksMergeIntoOneCompleteSectionWithEveryError) {
  CloudWorld world;
  world.NoIndividualRecommendations();
  world.PlanP2();
  world.arm.OnGet(kVmExt, "2024-07-01", ArmOk(shapes::VmExtensionBody("Failed", FailedExit5())),
                  kExpand);
  world.arm.OnGet(kAssessment, "2021-06-01", ArmFail(500, "InternalServerError", "x", "req-1"));
  std::vector<CheckRun> runs;
  for (const char* id : {"azure.extension", "azure.vulnerability_findings", "azure.org_match"}) {
    const std::unique_ptr<const Check> check = MakeCheck(id);
    CheckRun run;
    run.id = std::string(check->Id());
    run.title = std::string(check->Title());
    run.result = check->Run(world.Ctx());
    runs.push_back(std::move(run));
  }
  ReportInputs in;
  in.agent_version = "1.0.0";
  in.host = {{"os", {{"family", "linux"}}}};
  in.environment = {{"kind", "azure_vm"}};
  in.os_family = "linux";
  in.runs = std::move(runs);
  const nlohmann::json report = BuildReport(in);
  const auto& cloud = report.at("cloud");
  EXPECT_EQ(cloud.at("extension_provisioning_state"), "Failed");
  EXPECT_TRUE(cloud.at("pricing_tier").is_null());  // azure.plan did not run: present, null
  EXPECT_TRUE(cloud.at("vulnerability_findings").is_null());
  ASSERT_EQ(cloud.at("errors").size(), 1U);
  EXPECT_EQ(cloud.at("errors")[0].at("check"), "azure.vulnerability_findings");
  EXPECT_EQ(cloud.at("errors")[0].at("request_id"), "req-1");
  EXPECT_EQ(report.at("verdict"), "blocked");
}

}  // namespace
}  // namespace preflight

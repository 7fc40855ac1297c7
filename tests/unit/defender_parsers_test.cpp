// The pure parsers behind the cloud-side checks, over the ARM shapes of reference/azure.md and
// hostile variants of them.

#include <gtest/gtest.h>

#include "probes/azure/defender_parsers.h"
#include "probes/azure/extension_parser.h"
#include "probes/azure/findings_parser.h"
#include "tests/fakes/arm_shapes.h"

namespace preflight {
namespace {

namespace shapes = testing::arm_shapes;
using Json = nlohmann::json;

TEST(ParsePricing, ReadsTheSpecExampleShapes) {
  const PricingInfo sub = ParsePricing(shapes::PricingBody(shapes::SubScope(), {}, false));
  ASSERT_TRUE(sub.valid) << sub.error;
  EXPECT_TRUE(sub.IsStandard());
  EXPECT_EQ(sub.sub_plan, "P2");
  EXPECT_EQ(sub.enforce, false);
  EXPECT_FALSE(sub.inherited.has_value());
  EXPECT_EQ(sub.Extension("mdedesignatedsubscription"), false);
  EXPECT_EQ(sub.Extension("AgentlessVmScanning"), true);
  EXPECT_FALSE(sub.Extension("Nope").has_value());

  const PricingInfo res = ParsePricing(shapes::PricingBody(shapes::kVmId, {}, true));
  EXPECT_EQ(res.inherited, true);
  EXPECT_EQ(res.inherited_from, shapes::SubScope());
}

TEST(ParsePricing, RejectsWhatIsNotAPricing) {
  for (const Json& body : {Json(), Json(1), Json::array(), Json{{"properties", "x"}},
                           Json{{"properties", Json::object()}}}) {
    EXPECT_FALSE(ParsePricing(body).valid) << body.dump();
  }
}

TEST(DurationPositive, ZeroAndGarbageAreNotATrial) {
  EXPECT_FALSE(DurationPositive("PT0S"));
  EXPECT_FALSE(DurationPositive(""));
  EXPECT_FALSE(DurationPositive("29 days"));
  EXPECT_TRUE(DurationPositive("P29DT23H"));
  EXPECT_TRUE(DurationPositive("PT10M"));
}

TEST(ParseSettingsList, BooleansAndCaseInsensitiveNames) {
  const SettingsList list = ParseSettingsList(shapes::DefaultSettings(false, true));
  ASSERT_TRUE(list.valid);
  ASSERT_NE(list.Find("wdatp"), nullptr);
  EXPECT_EQ(list.Find("WDATP")->enabled, false);
  EXPECT_EQ(list.Find("WDATP_EXCLUDE_LINUX_PUBLIC_PREVIEW")->enabled, true);
  EXPECT_EQ(list.Find("Sentinel")->kind, "AlertSyncSettings");
  EXPECT_FALSE(ParseSettingsList(Json{{"value", 1}}).valid);
  EXPECT_TRUE(ParseSettingsList(Json{{"value", {1, "x", Json::object()}}}).items.empty());
}

TEST(ParseVaSetting, ToleratesTheIdWithoutLeadingSlash) {
  const VaSetting setting = ParseVaSetting(shapes::VaSettingBody());
  ASSERT_TRUE(setting.valid);
  EXPECT_EQ(setting.provider, "MdeTvm");
  EXPECT_EQ(setting.kind, "AzureServersSetting");
  EXPECT_FALSE(ParseVaSetting(Json::array()).valid);
}

TEST(OrgIdInPackage, FindsTheOrgIdOfTheEmulatorsPackages) {
  const Json body = shapes::MdeOnboardingBody("3F1C1C41-8A2D-4B5E-9F60-7A8B9C0D1E2F");
  const OnboardingPackages packages = ParseMdeOnboarding(body);
  ASSERT_TRUE(packages.valid);
  for (const std::string* b64 : {&packages.linux_base64, &packages.windows_base64}) {
    const auto text = DecodeBase64(*b64, 1 << 20);
    ASSERT_TRUE(text.has_value());
    EXPECT_EQ(FindOrgIdInPackage(*text), "3f1c1c41-8a2d-4b5e-9f60-7a8b9c0d1e2f");
  }
}

TEST(OrgIdInPackage, HandlesEscapingLevelsAndSkipsLookalikes) {
  // Doubly escaped, as a .cmd's reg add line carries it, after a previousOrgIds list.
  EXPECT_EQ(
      FindOrgIdInPackage(
          R"(reg add ... /d "{\\\"body\\\":\\\"{\\\\\\\"previousOrgIds\\\\\\\":[\\\\\\\"11111111-1111-1111-1111-111111111111\\\\\\\"],\\\\\\\"orgId\\\\\\\":\\\\\\\"22222222-2222-2222-2222-222222222222\\\\\\\"}\\\"}")"),
      "22222222-2222-2222-2222-222222222222");
  EXPECT_EQ(FindOrgIdInPackage(R"({"orgId": "not-a-guid"})"), "");
  EXPECT_EQ(FindOrgIdInPackage(R"({"orgId")"), "");
  EXPECT_EQ(FindOrgIdInPackage(""), "");
}

TEST(DecodeBase64, RoundTripsAndRefusesGarbageAndOversize) {
  EXPECT_EQ(DecodeBase64(shapes::Base64("hello, world"), 100), "hello, world");
  EXPECT_EQ(DecodeBase64("aGk=\n", 100), "hi");
  EXPECT_FALSE(DecodeBase64("a$b", 100).has_value());
  EXPECT_FALSE(DecodeBase64("aGk=aGk=", 100).has_value());
  EXPECT_FALSE(DecodeBase64(shapes::Base64("hello"), 3).has_value());
}

TEST(ParseArmExtension, VmAndArcShapes) {
  const ArmExtension vm = ParseArmExtension(shapes::VmExtensionBody("Succeeded", {}));
  ASSERT_TRUE(vm.valid);
  EXPECT_TRUE(vm.has_instance_view);
  EXPECT_EQ(vm.handler_version, "1.0.9.5");
  EXPECT_EQ(vm.WorstLevel(), "Info");
  EXPECT_EQ(vm.SucceededAt(), "2024-03-01T12:58:26.522Z");
  // Only a Succeeded extension says when it succeeded.
  EXPECT_EQ(ParseArmExtension(shapes::VmExtensionBody("Creating", {})).SucceededAt(), "");

  shapes::ExtStatus error;
  error.level = "Error";
  const ArmExtension arc = ParseArmExtension(shapes::ArcExtensionBody("Failed", error));
  ASSERT_TRUE(arc.valid);
  ASSERT_EQ(arc.statuses.size(), 1U);
  EXPECT_EQ(arc.statuses[0].code, "failed");
  EXPECT_EQ(arc.WorstLevel(), "Error");
  EXPECT_EQ(ParseArmExtension(shapes::ArcExtensionBody("Succeeded", {})).statuses[0].level, "Info");
  EXPECT_EQ(arc.SucceededAt(), "");
  EXPECT_FALSE(ParseArmExtension(Json{{"properties", Json::object()}}).valid);
  EXPECT_FALSE(ParseArmExtension(Json("x")).valid);
}

TEST(InstallerExitCodeInMessage, NamesNumbersAndWordSixteen) {
  EXPECT_EQ(InstallerExitCodeInMessage("mde_installer.sh exit code 5: ERR_CONFLICTING_APPS"), 5);
  EXPECT_EQ(InstallerExitCodeInMessage("failed: ERR_UNSUPPORTED_DISTRO"), 10);
  EXPECT_EQ(InstallerExitCodeInMessage("the installer exited with 21 and gave up"), 21);
  EXPECT_EQ(InstallerExitCodeInMessage("exit code: 12"), 12);
  // Word 16, as MDEExtErrorReport.ps1 reads it.
  EXPECT_EQ(InstallerExitCodeInMessage("a b c d e f g h i j k l m n o p 24 r"), 24);
  EXPECT_FALSE(InstallerExitCodeInMessage("Enable failed.").has_value());
  EXPECT_FALSE(InstallerExitCodeInMessage("exited with 999").has_value());
  EXPECT_FALSE(InstallerExitCodeInMessage("ERR_CONFLICTING_APPSX").has_value());
}

TEST(ParseAssessment, StatusAndErrors) {
  const AssessmentInfo a = ParseAssessment(shapes::AssessmentBody(shapes::kVmId, "Unhealthy"));
  ASSERT_TRUE(a.valid);
  EXPECT_EQ(a.code, "Unhealthy");
  EXPECT_EQ(a.first_evaluation, "2024-03-02T08:00:00.0000000Z");
  EXPECT_FALSE(ParseAssessment(Json{{"properties", {{"status", Json::object()}}}}).valid);
}

TEST(ParseSubAssessments, KeepsUnhealthyFindingsAndCapsThem) {
  const SubAssessmentList list =
      ParseSubAssessments(shapes::SubAssessmentsBody(shapes::kVmId, shapes::ScenarioFindings()), 2);
  ASSERT_TRUE(list.valid);
  EXPECT_EQ(list.findings.size(), 2U);
  EXPECT_TRUE(list.truncated);
  EXPECT_EQ(list.findings[1].cves.size(), 2U);
  EXPECT_EQ(list.findings[0].cves[0].cvss, 7.8);
  const auto cves = DistinctCves(list.findings);
  ASSERT_EQ(cves.size(), 3U);
  EXPECT_EQ(cves[0].id, "CVE-2023-4911");
  EXPECT_FALSE(ParseSubAssessments(Json::array(), 10).valid);
}

TEST(ParseArmTime, ArmSpellings) {
  using std::chrono::seconds;
  const auto base = ParseArmTime("2024-03-01T12:58:26Z");
  ASSERT_TRUE(base.has_value());
  EXPECT_EQ(std::chrono::duration_cast<seconds>(base->time_since_epoch()).count(), 1709297906);
  EXPECT_EQ(ParseArmTime("2024-03-01T12:58:26.522Z").has_value(), true);
  EXPECT_EQ(ParseArmTime("2024-03-01T13:58:26.0000000+01:00"), base);
  for (const char* bad : {"", "2024-03-01", "2024-02-30T00:00:00Z", "2024-03-01T12:58:26",
                          "2024-03-01T12:58:26Zjunk", "2024-03-01T12:58:26.Z"}) {
    EXPECT_FALSE(ParseArmTime(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace preflight

#include <gtest/gtest.h>

#include "probes/common/facts.h"
#include "probes/linux/mde_install_check.h"
#include "tests/fakes/fake_platform.h"

namespace preflight {
namespace {

using testing::FakeWorld;

constexpr const char* kJsonCommand = "/usr/bin/mdatp health --output json";
constexpr const char* kFieldsCommand = "/usr/bin/mdatp health";
constexpr const char* kRpmCommand =
    "/usr/bin/rpm -q --qf %{NAME}\\t%{VERSION}-%{RELEASE}\\t%{ARCH}\\n mdatp";

ProcessOutput Output(int exit_code, std::string out, std::string err = {}) {
  ProcessOutput o;
  o.exit_code = exit_code;
  o.out = std::move(out);
  o.err = std::move(err);
  return o;
}

// A live Debian host with the mdatp package and CLI; each test adds the rest.
void InstallOnDebian(FakeWorld& w) {
  w.fs.AddFile("/var/lib/dpkg/status",
               "Package: mdatp\nStatus: install ok installed\nVersion: 101.24082.0004\n\n");
  w.fs.AddFile("/opt/microsoft/mdatp/sbin/wdavdaemon", "");
  w.fs.AddFile("/usr/bin/mdatp", "");
  w.services.SetState("mdatp", ServiceState::kActive);
}

std::string HealthJson(bool healthy, bool licensed, const std::string& issues = "[]",
                       const std::string& conflicts = "[]") {
  return std::string(R"({"healthy":)") + (healthy ? "true" : "false") + R"(,"licensed":)" +
         (licensed ? "true" : "false") + R"(,"healthIssues":)" + issues +
         R"(,"conflictingApplications":)" + conflicts +
         R"(,"appVersion":"101.24082.0004","orgId":"org-1","edrMachineId":"machine-1",)"
         R"("passiveModeEnabled":{"value":true},"releaseRing":"Production"})";
}

TEST(MdeStateLive, HealthyFromJson) {
  FakeWorld w;
  InstallOnDebian(w);
  w.processes.Expect(kJsonCommand, Output(0, HealthJson(true, true)));
  const CheckResult r = MdeInstallCheck().Run(w.Ctx());
  EXPECT_EQ(r.status, Status::kPass) << r.summary;
  EXPECT_NE(r.summary.find("passive mode"), std::string::npos) << r.summary;
  EXPECT_EQ(w.processes.calls(), std::vector<std::string>{kJsonCommand});
  const MdeState& s = MdeStateOf(w.Ctx());
  EXPECT_EQ(s.health_source, "json");
  EXPECT_EQ(s.onboarded, true);  // licensed, although there is no onboarding file
  EXPECT_EQ(s.machine_id, "machine-1");
  EXPECT_EQ(s.org_id, "org-1");
  EXPECT_EQ(s.release_ring, "Production");
  EXPECT_EQ(r.evidence.at("health").at("passive_mode"), true);
  EXPECT_EQ(r.evidence.at("health").at("source"), "json");
}

TEST(MdeStateLive, FallsBackToFieldOutputWhenJsonIsNotSupported) {
  FakeWorld w;
  InstallOnDebian(w);
  w.fs.AddFile("/etc/opt/microsoft/mdatp/mdatp_onboard.json",
               R"({"onboardingInfo":"{\"body\":\"{\\\"orgId\\\":\\\"org-file\\\"}\"}"})");
  w.processes.Expect(kJsonCommand, Output(2, "", "Unknown option '--output'"));
  w.processes.Expect(kFieldsCommand,
                     Output(0,
                            "ATTENTION: No license found. Contact your administrator for help.\n"
                            "healthy                                     : false\n"
                            "health_issues                               : [\"missing license\"]\n"
                            "licensed                                    : false\n"
                            "app_version                                 : \"101.85.27\"\n"
                            "org_id                                      : unavailable\n"));
  const CheckResult r = MdeInstallCheck().Run(w.Ctx());
  EXPECT_EQ(w.processes.calls(), (std::vector<std::string>{kJsonCommand, kFieldsCommand}));
  EXPECT_EQ(r.status, Status::kWarn);
  EXPECT_NE(r.summary.find("not onboarded"), std::string::npos) << r.summary;
  EXPECT_NE(r.summary.find("no license"), std::string::npos) << r.summary;
  const MdeState& s = MdeStateOf(w.Ctx());
  EXPECT_EQ(s.health_source, "fields");
  EXPECT_EQ(s.version, "101.85.27");
  EXPECT_EQ(s.onboarded, false);    // "missing license" beats the onboarding file
  EXPECT_EQ(s.org_id, "org-file");  // health said "unavailable"; the file names the org
}

TEST(MdeStateLive, HealthTimeoutIsAWarningWithTheReason) {
  FakeWorld w;
  InstallOnDebian(w);
  w.processes.Expect(kJsonCommand, MakeError(ErrorKind::kTimeout, "killed after 30 s"));
  const CheckResult r = MdeInstallCheck().Run(w.Ctx());
  EXPECT_EQ(r.status, Status::kWarn);
  EXPECT_NE(r.summary.find("did not answer within"), std::string::npos) << r.summary;
  // A hung daemon is not asked twice.
  EXPECT_EQ(w.processes.calls().size(), 1U);
  EXPECT_TRUE(r.report.at("mde").at("healthy").is_null());
}

TEST(MdeStateLive, UnusableOutputFromBothFormsIsExplained) {
  FakeWorld w;
  InstallOnDebian(w);
  w.processes.Expect(kJsonCommand, Output(1, "Error: daemon not running"));
  w.processes.Expect(kFieldsCommand, Output(1, "Error: daemon not running"));
  const CheckResult r = MdeInstallCheck().Run(w.Ctx());
  EXPECT_EQ(r.status, Status::kWarn) << r.summary;
  EXPECT_NE(r.summary.find("exit code 1"), std::string::npos) << r.summary;
}

TEST(MdeStateLive, OnboardedButUnhealthyFailsListingIssues) {
  FakeWorld w;
  InstallOnDebian(w);
  w.processes.Expect(kJsonCommand,
                     Output(1, HealthJson(false, true, R"(["no active event provider"])")));
  const CheckResult r = MdeInstallCheck().Run(w.Ctx());
  EXPECT_EQ(r.status, Status::kFail);
  EXPECT_NE(r.summary.find("no active event provider"), std::string::npos) << r.summary;
  EXPECT_EQ(r.report.at("mde").at("health_issues"),
            nlohmann::json::array({"no active event provider"}));
}

TEST(MdeStateLive, ConflictingApplicationsFailNamingThem) {
  FakeWorld w;
  InstallOnDebian(w);
  w.processes.Expect(kJsonCommand,
                     Output(0, HealthJson(true, true, "[]", R"(["ds_agent","/usr/sbin/foo"])")));
  const CheckResult r = MdeInstallCheck().Run(w.Ctx());
  EXPECT_EQ(r.status, Status::kFail);
  EXPECT_NE(r.summary.find("ds_agent, /usr/sbin/foo"), std::string::npos) << r.summary;
}

TEST(MdeStateLive, PackageWithoutCliIsCorrupt) {
  FakeWorld w;
  w.fs.AddFile("/var/lib/dpkg/status", "Package: mdatp\nStatus: install ok installed\n");
  const CheckResult r = MdeInstallCheck().Run(w.Ctx());
  EXPECT_EQ(r.status, Status::kFail);
  EXPECT_NE(r.summary.find("corrupted"), std::string::npos);
  EXPECT_NE(r.summary.find("15"), std::string::npos);
  EXPECT_TRUE(w.processes.calls().empty());
}

TEST(MdeStateLive, StoppedServiceFails) {
  FakeWorld w;
  InstallOnDebian(w);
  w.processes.Expect(kJsonCommand, Output(0, HealthJson(true, true)));
  w.services.SetState("mdatp", ServiceState::kFailed);
  const CheckResult r = MdeInstallCheck().Run(w.Ctx());
  EXPECT_EQ(r.status, Status::kFail);
  EXPECT_NE(r.summary.find("service has failed"), std::string::npos) << r.summary;
}

TEST(MdeStateLive, RpmHostInstalled) {
  FakeWorld w;
  w.fs.AddFile("/usr/bin/rpm", "");
  w.fs.AddFile("/opt/microsoft/mdatp/sbin/wdavdaemonclient", "");
  w.processes.Expect(kRpmCommand, Output(0, "mdatp\t101.24082.0004-1\tx86_64\n"));
  w.processes.Expect("/opt/microsoft/mdatp/sbin/wdavdaemonclient health --output json",
                     Output(0, HealthJson(true, true)));
  w.services.SetState("mdatp", ServiceState::kActive);
  const MdeState& s = MdeStateOf(w.Ctx());
  EXPECT_EQ(s.installed, true);
  EXPECT_EQ(s.package_version, "101.24082.0004-1");
  EXPECT_EQ(s.version, "101.24082.0004");  // mdatp's own app_version wins
  EXPECT_EQ(s.service_state, "active");
  EXPECT_EQ(s.evidence.at("package").at("manager"), "rpm");
}

TEST(MdeStateLive, RpmHostNotInstalled) {
  FakeWorld w;
  w.fs.AddFile("/bin/rpm", "");
  w.processes.Expect(std::string(kRpmCommand).replace(0, 12, "/bin/rpm"),
                     Output(1, "package mdatp is not installed\n"));
  const CheckResult r = MdeInstallCheck().Run(w.Ctx());
  EXPECT_EQ(r.status, Status::kPass);
  EXPECT_EQ(r.report.at("mde").at("installed"), false);
  EXPECT_EQ(w.processes.calls().size(), 1U);
}

TEST(MdeStateLive, RpmTimeoutLeavesThePackageUnknownButFilesDecide) {
  FakeWorld w;
  w.fs.AddFile("/usr/bin/rpm", "");
  w.processes.Expect(kRpmCommand, MakeError(ErrorKind::kTimeout, "timed out"));
  const MdeState& s = MdeStateOf(w.Ctx());
  EXPECT_EQ(s.installed, false);
  ASSERT_FALSE(s.notes.empty());
  EXPECT_NE(s.notes[0].find("rpm -q mdatp failed"), std::string::npos);
}

TEST(MdeStateLive, RpmDatabaseErrorIsUnknownNotAbsent) {
  FakeWorld w;
  w.fs.AddFile("/usr/bin/rpm", "");
  w.fs.AddFile("/opt/microsoft/mdatp/sbin/wdavdaemon", "");
  w.processes.Expect(kRpmCommand,
                     Output(1, "", "error: rpmdb: BDB0113 Thread/process failed\nmore\n"));
  const MdeState& s = MdeStateOf(w.Ctx());
  EXPECT_EQ(s.installed, true);  // the package state is unknown; MDE's files decide
  ASSERT_FALSE(s.notes.empty());
  EXPECT_NE(s.notes[0].find("error: rpmdb"), std::string::npos) << s.notes[0];
}

TEST(MdeStateRoot, NeverRunsACommandUnderRoot) {
  FakeWorld w;
  w.fs.SetLive(false);
  w.fs.AddFile("/usr/bin/rpm", "");
  w.fs.AddFile("/opt/microsoft/mdatp/sbin/wdavdaemon", "");
  w.fs.AddFile("/opt/microsoft/mdatp/sbin/wdavdaemonclient", "");
  w.processes.Expect(kRpmCommand, Output(0, "1-1"));
  const MdeState& s = MdeStateOf(w.Ctx(/*live=*/false));
  EXPECT_TRUE(w.processes.calls().empty());
  EXPECT_EQ(s.installed, true);  // judged from the files
  EXPECT_TRUE(s.service_state.empty());
  EXPECT_NE(s.health_error.find("--root"), std::string::npos);
}

// A RHEL-family image: the machine running the agent reads the tree's rpm database with its own
// rpm program, rooted at the tree and pointed at the database the tree holds.
TEST(MdeStateRoot, RpmDatabaseIsReadWithTheHostsRpmRootedAtTheTree) {
  FakeWorld w;
  w.fs.SetLive(false);
  w.fs.AddDir("/usr/lib/sysimage/rpm");
  w.fs.AddLink("/var/lib/rpm", "../../usr/lib/sysimage/rpm");
  w.processes.Expect(
      "/usr/bin/rpm --root fake:/ --dbpath /usr/lib/sysimage/rpm -q --qf "
      "%{NAME}\\t%{VERSION}-%{RELEASE}\\t%{ARCH}\\n mdatp",
      Output(0, "mdatp\t101.24082.0004-1\tx86_64\n"));
  const MdeState& s = MdeStateOf(w.Ctx(/*live=*/false));
  EXPECT_EQ(s.installed, true);
  EXPECT_EQ(s.package_version, "101.24082.0004-1");
  EXPECT_EQ(s.evidence.at("package").at("database"), "/usr/lib/sysimage/rpm");
}

// No rpm program on the machine running the agent: a clear unknown, never "not installed".
TEST(MdeStateRoot, RpmDatabaseWithoutAnRpmProgramIsAClearUnknown) {
  FakeWorld w;
  w.fs.SetLive(false);
  w.fs.AddDir("/var/lib/rpm");
  const MdeState& s = MdeStateOf(w.Ctx(/*live=*/false));
  EXPECT_FALSE(s.installed.has_value());
  ASSERT_FALSE(s.notes.empty());
  EXPECT_NE(s.notes[0].find("no rpm program was found to read it (install the rpm package)"),
            std::string::npos)
      << s.notes[0];
  EXPECT_EQ(w.processes.calls().size(), 2U);  // /usr/bin/rpm, then /bin/rpm
}

TEST(MdeStateRoot, AbsoluteCliSymlinkResolvesInsideTheTree) {
  FakeWorld w;
  w.fs.SetLive(false);
  w.fs.AddFile("/var/lib/dpkg/status", "Package: mdatp\nStatus: install ok installed\n");
  w.fs.AddLink("/usr/bin/mdatp", "/opt/microsoft/mdatp/sbin/wdavdaemonclient");
  EXPECT_FALSE(MdeStateOf(w.Ctx(false)).cli_present);  // dangling inside the tree
  FakeWorld w2;
  w2.fs.SetLive(false);
  w2.fs.AddFile("/var/lib/dpkg/status", "Package: mdatp\nStatus: install ok installed\n");
  w2.fs.AddLink("/usr/bin/mdatp", "../../opt/microsoft/mdatp/sbin/wdavdaemonclient");
  w2.fs.AddFile("/opt/microsoft/mdatp/sbin/wdavdaemonclient", "");
  EXPECT_TRUE(MdeStateOf(w2.Ctx(false)).cli_present);
}

TEST(MdeStateLive, OffboardingFileAndUnreadableOnboardingAreNoted) {
  FakeWorld w;
  InstallOnDebian(w);
  w.fs.AddFile("/etc/opt/microsoft/mdatp/mdatp_onboard.json", "{broken");
  w.fs.AddFile("/etc/opt/microsoft/mdatp/mdatp_offboard.json", "{}");
  w.processes.Expect(kJsonCommand, MakeError(ErrorKind::kNotFound, "no such program"));
  w.processes.Expect(kFieldsCommand, MakeError(ErrorKind::kNotFound, "no such program"));
  const MdeState& s = MdeStateOf(w.Ctx());
  EXPECT_FALSE(s.onboarded.has_value());
  EXPECT_TRUE(s.offboarding_file);
  std::string notes;
  for (const auto& n : s.notes) notes += n + "\n";
  EXPECT_NE(notes.find("offboard"), std::string::npos) << notes;
  EXPECT_NE(notes.find("not JSON"), std::string::npos) << notes;
  EXPECT_NE(notes.find("could not run"), std::string::npos) << notes;
}

}  // namespace
}  // namespace preflight

#include "probes/linux/os_support_check.h"

#include <gtest/gtest.h>

#include "probes/common/os_release.h"
#include "probes/linux/linux_support.h"
#include "probes/linux/os_support.h"

#include "tests/unit/hostchecks_fixture.h"

namespace preflight::testing {
namespace {

constexpr auto RunOn = &RunCheckOn<OsSupportCheck>;

TEST(OsSupportCheck, FixtureTrees) {
  const FixtureCase cases[] = {
      {"good_ubuntu2204", Status::kPass, "Ubuntu 22.04.4 LTS"},
      {"rhel94_arm64", Status::kPass, "aarch64"},
      {"rhel610", Status::kFail, "not a version Microsoft supports"},
      {"centos7", Status::kWarn, "does not say its minor release"},
      {"ubuntu1404", Status::kFail, "14.04"},
      {"ubuntu2310", Status::kFail, "supported Ubuntu LTS versions: 16.04, 18.04"},
      {"linuxmint213", Status::kWarn, "unlisted derivative of ubuntu"},
      {"pop2204", Status::kWarn, "unlisted derivative of ubuntu"},
      {"gentoo", Status::kFail, "ID_LIKE (none)"},
      {"malformed_os_release", Status::kFail, "/etc/os-release: no ID= line"},
      {"no_os_release", Status::kFail, "could not be identified"},
      {"ppc64le_ubuntu", Status::kFail, "only on x64 and ARM64; this machine is ppc64le"},
  };
  for (const auto& c : cases) {
    const CheckResult r = RunOn(HostchecksCase(c.name));
    EXPECT_EQ(r.status, c.status) << c.name << ": " << r.summary;
    EXPECT_TRUE(Has(r.summary, c.summary_part)) << c.name << ": " << r.summary;
    if (c.status != Status::kPass) {
      EXPECT_FALSE(r.remediation.empty()) << c.name;
    }
  }
}

TEST(OsSupportCheck, ReportsHostOs) {
  const CheckResult r = RunOn(HostchecksCase("good_ubuntu2204"));
  EXPECT_EQ(r.report["host"]["os"]["id"], "ubuntu");
  EXPECT_EQ(r.report["host"]["os"]["version_id"], "22.04");
  EXPECT_EQ(r.report["host"]["os"]["pretty_name"], "Ubuntu 22.04.4 LTS");
  EXPECT_EQ(r.evidence["arch_verified"], true);
  EXPECT_EQ(r.evidence["matched_row"], "Ubuntu LTS");
  EXPECT_TRUE(r.evidence["support_matrix"].get<std::string>().find("learn.microsoft.com") !=
              std::string::npos);
}

TEST(OsSupportCheck, Ubuntu2310RemediationExplainsTheInstallerFallback) {
  const CheckResult r = RunOn(HostchecksCase("ubuntu2310"));
  EXPECT_TRUE(Has(r.remediation, "18.04 (bionic)")) << r.remediation;
  EXPECT_TRUE(Has(r.remediation, "microsoft-prod.list")) << r.remediation;
}

TEST(OsSupportCheck, RedHatReleaseStandsInForOsRelease) {
  const CheckResult r = RunOn(HostchecksCase("rhel610"));
  EXPECT_EQ(r.evidence["source"], "/etc/redhat-release");
  EXPECT_EQ(r.report["host"]["os"]["id"], "rhel");
  EXPECT_EQ(r.report["host"]["os"]["version_id"], "6.10");
}

TEST(OsSupportCheck, DerivativeRemediationDependsOnTheInstaller) {
  const CheckResult mint = RunOn(HostchecksCase("linuxmint213"));
  EXPECT_TRUE(Has(mint.remediation, "treats linuxmint as ubuntu")) << mint.remediation;
  const CheckResult pop = RunOn(HostchecksCase("pop2204"));
  EXPECT_TRUE(Has(pop.remediation, "exits 10")) << pop.remediation;
  EXPECT_EQ(pop.evidence["source"], "/usr/lib/os-release");
}

TEST(OsSupportCheck, UnknownArchitectureIsEvaluatedAsX64AndSaidSo) {
  const CheckResult r = RunOn(HostchecksCase("linuxmint213"));
  EXPECT_EQ(r.evidence["arch_verified"], false);
  EXPECT_TRUE(Has(r.summary, "evaluated as x64")) << r.summary;
}

TEST(OsSupportCheck, CentOs7MinorReleaseComesFromRedHatRelease) {
  TempTree tree("centos7");
  // CentOS ships /etc/redhat-release as a relative link to centos-release.
  tree.Symlink("etc/redhat-release", "centos-release");
  const CheckResult r = RunOn(tree.root());
  EXPECT_EQ(r.status, Status::kPass) << r.summary;
  EXPECT_EQ(r.evidence["precise_version"], "7.9.2009");
  EXPECT_EQ(r.report["host"]["os"]["version_id"], "7");
}

TEST(OsSupportCheck, LiveUsesUnameForTheArchitecture) {
  FakeWorld world;
  world.fs.AddFile("/etc/os-release", "ID=ubuntu\nVERSION_ID=\"18.04\"\nPRETTY_NAME=\"Ubuntu\"\n");
  world.system.uname.machine = "aarch64";
  CheckResult r = OsSupportCheck().Run(world.Ctx(/*live=*/true));
  EXPECT_EQ(r.status, Status::kFail) << r.summary;
  EXPECT_EQ(r.evidence["arch_column"], "ARM64");

  FakeWorld x64;
  x64.fs.AddFile("/etc/os-release", "ID=ubuntu\nVERSION_ID=\"18.04\"\n");
  r = OsSupportCheck().Run(x64.Ctx(/*live=*/true));
  EXPECT_EQ(r.status, Status::kPass) << r.summary;
  EXPECT_EQ(r.evidence["machine"], "x86_64");
}

TEST(EvaluateOsSupport, Table) {
  const LinuxSupport& support = EmbeddedLinuxSupport().Value();
  constexpr const char* kCentOs7 =
      "ID=\"centos\"\nID_LIKE=\"rhel fedora\"\nVERSION_ID=\"7\"\nNAME=\"CentOS Linux\"\n";
  struct Row {
    const char* os_release;  // empty: no os-release
    const char* redhat;      // empty: no /etc/redhat-release
    const char* machine;
    bool identified;
    const char* id;
    const char* source;
    Arch arch;
    OsVerdict verdict;
    const char* precise_version;
  };
  const Row rows[] = {
      {"ID=ubuntu\nVERSION_ID=\"22.04\"\n", "", "x86_64", true, "ubuntu", "/etc/os-release",
       Arch::kX64, OsVerdict::kSupported, ""},
      // Unknown machine: judged as x64.
      {"ID=ubuntu\nVERSION_ID=\"22.04\"\n", "", "", true, "ubuntu", "/etc/os-release", Arch::kX64,
       OsVerdict::kSupported, ""},
      {"ID=ubuntu\nVERSION_ID=\"18.04\"\n", "", "aarch64", true, "ubuntu", "/etc/os-release",
       Arch::kArm64, OsVerdict::kUnsupportedVersion, ""},
      {"ID=ubuntu\nVERSION_ID=\"22.04\"\n", "", "ppc64le", true, "ubuntu", "/etc/os-release",
       Arch::kOther, OsVerdict::kArchNotSupported, ""},
      // No os-release: /etc/redhat-release stands in.
      {"", "Red Hat Enterprise Linux Server release 6.10 (Santiago)\n", "x86_64", true, "rhel",
       "/etc/redhat-release", Arch::kX64, OsVerdict::kUnsupportedVersion, ""},
      // VERSION_ID="7" is completed from /etc/redhat-release of the same distribution only.
      {kCentOs7, "CentOS Linux release 7.9.2009 (Core)\n", "x86_64", true, "centos",
       "/etc/os-release", Arch::kX64, OsVerdict::kSupported, "7.9.2009"},
      {kCentOs7, "", "x86_64", true, "centos", "/etc/os-release", Arch::kX64,
       OsVerdict::kImpreciseVersion, ""},
      {kCentOs7, "Red Hat Enterprise Linux Server release 7.9 (Maipo)\n", "x86_64", true, "centos",
       "/etc/os-release", Arch::kX64, OsVerdict::kImpreciseVersion, ""},
      // os-release wins over /etc/redhat-release when both name a distribution.
      {"ID=rhel\nVERSION_ID=\"9.4\"\n", "Red Hat Enterprise Linux Server release 6.10\n", "x86_64",
       true, "rhel", "/etc/os-release", Arch::kX64, OsVerdict::kSupported, ""},
      {"", "", "x86_64", false, "", "", Arch::kX64, OsVerdict::kUnknownDistro, ""},
      {"", "Some Linux release 1.0\n", "x86_64", false, "", "", Arch::kX64,
       OsVerdict::kUnknownDistro, ""},
  };
  for (const Row& row : rows) {
    OsSupportFacts facts;
    if (*row.os_release != '\0') {
      facts.os_release = ParseOsRelease(row.os_release);
      facts.os_release_source = "/etc/os-release";
    }
    if (*row.redhat != '\0') facts.redhat_release = ParseRedHatRelease(row.redhat);
    facts.machine = row.machine;
    const OsSupportVerdict verdict = EvaluateOsSupport(support, facts);
    const std::string label =
        std::string(row.os_release) + " | " + row.redhat + " | " + row.machine;
    EXPECT_EQ(verdict.identified, row.identified) << label;
    if (!row.identified) continue;
    EXPECT_EQ(verdict.os.id, row.id) << label;
    EXPECT_EQ(verdict.source, row.source) << label;
    EXPECT_EQ(verdict.arch, row.arch) << label;
    EXPECT_EQ(verdict.eval.verdict, row.verdict) << label;
    EXPECT_EQ(verdict.precise_version, row.precise_version) << label;
  }
}

}  // namespace
}  // namespace preflight::testing

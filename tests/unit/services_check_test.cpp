#include "probes/linux/services_check.h"

#include <gtest/gtest.h>

#include "tests/unit/hostchecks_fixture.h"

namespace preflight::testing {
namespace {

constexpr auto RunOn = &RunCheckOn<ServicesCheck>;

TEST(ServicesCheck, FixtureTrees) {
  const FixtureCase cases[] = {
      {"good_ubuntu2204", Status::kPass, "cannot be known offline"},
      {"services_local_python3", Status::kPass, "(/usr/local/bin/python3)"},
      {"services_python2_only", Status::kWarn, "Only Python 2 (/usr/bin/python2)"},
      {"services_no_python", Status::kFail,
       "Install: 52. Extension error output: No Python interpreter found"},
      {"rhel610", Status::kFail, "systemd is not installed in the tree"},
      // python3.9 alone is not what the extension looks for.
      {"rhel94_arm64", Status::kFail, "No Python interpreter is installed"},
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

TEST(ServicesCheck, NoSystemdAndPython2OnlyReportsBoth) {
  const CheckResult r = RunOn(HostchecksCase("rhel610"));
  EXPECT_TRUE(Has(r.summary, "Only Python 2 (/usr/bin/python)")) << r.summary;
  EXPECT_EQ(r.evidence["findings"].size(), 2U);
}

TEST(ServicesCheck, Python3ThroughAlternativesLinksInsideTheTree) {
  TempTree tree("rhel94_arm64");
  // RHEL: /usr/bin/python3 -> /etc/alternatives/python3 -> /usr/bin/python3.9, absolute links
  // that must resolve inside the tree, not on the machine running the test.
  tree.Symlink("usr/bin/python3", "/etc/alternatives/python3");
  tree.Symlink("etc/alternatives/python3", "/usr/bin/python3.9");
  const CheckResult r = RunOn(tree.root());
  EXPECT_EQ(r.status, Status::kPass) << r.summary;
  EXPECT_EQ(r.evidence["python3"], "/usr/bin/python3");
}

TEST(ServicesCheck, DanglingPython3LinkIsNotAnInterpreter) {
  TempTree tree("services_no_python");
  tree.Symlink("usr/bin/python3", "/usr/bin/python3.99");
  const CheckResult r = RunOn(tree.root());
  EXPECT_EQ(r.status, Status::kFail) << r.summary;
}

TEST(ServicesCheck, LiveFollowsTheSdBootedRule) {
  FakeWorld world;
  world.fs.AddFile("/usr/bin/python3", "");
  world.fs.AddFile("/usr/lib/systemd/systemd", "");
  CheckResult r = ServicesCheck().Run(world.Ctx(/*live=*/true));
  EXPECT_EQ(r.status, Status::kFail) << r.summary;
  EXPECT_TRUE(Has(r.summary, "/run/systemd/system does not exist")) << r.summary;
  EXPECT_EQ(r.evidence["systemd_running"], false);

  world.fs.AddDir("/run/systemd/system");
  r = ServicesCheck().Run(world.Ctx(/*live=*/true));
  EXPECT_EQ(r.status, Status::kPass) << r.summary;
  EXPECT_TRUE(Has(r.summary, "systemd runs as init")) << r.summary;
}

TEST(EvaluateServices, Table) {
  struct Row {
    bool live;
    const char* systemd_binary;
    bool booted;
    const char* python3;
    const char* python2;
    SystemdFinding systemd;
    Status systemd_status;
    PythonFinding python;
    Status python_status;
  };
  const Row rows[] = {
      {true, "/usr/lib/systemd/systemd", true, "/usr/bin/python3", "", SystemdFinding::kRunsAsInit,
       Status::kPass, PythonFinding::kPython3, Status::kPass},
      // Live, the sd_booted(3) test decides, whatever is installed.
      {true, "/usr/lib/systemd/systemd", false, "/usr/bin/python3", "", SystemdFinding::kNotInit,
       Status::kFail, PythonFinding::kPython3, Status::kPass},
      {true, "", true, "/usr/bin/python3", "", SystemdFinding::kRunsAsInit, Status::kPass,
       PythonFinding::kPython3, Status::kPass},
      // Offline, only whether it is installed can be known.
      {false, "/lib/systemd/systemd", false, "/usr/bin/python3", "", SystemdFinding::kInstalled,
       Status::kPass, PythonFinding::kPython3, Status::kPass},
      {false, "", false, "/usr/bin/python3", "", SystemdFinding::kNotInstalled, Status::kFail,
       PythonFinding::kPython3, Status::kPass},
      {false, "/lib/systemd/systemd", false, "", "/usr/bin/python2", SystemdFinding::kInstalled,
       Status::kPass, PythonFinding::kOnlyPython2, Status::kWarn},
      {false, "/lib/systemd/systemd", false, "", "", SystemdFinding::kInstalled, Status::kPass,
       PythonFinding::kNone, Status::kFail},
      // Python 3 wins over a Python 2 next to it.
      {true, "", true, "/usr/local/bin/python3", "/usr/bin/python2", SystemdFinding::kRunsAsInit,
       Status::kPass, PythonFinding::kPython3, Status::kPass},
  };
  for (const Row& row : rows) {
    ServicesFacts facts;
    facts.live = row.live;
    facts.systemd_binary = row.systemd_binary;
    facts.systemd_booted = row.booted;
    facts.python3 = row.python3;
    facts.python2 = row.python2;
    const ServicesVerdict verdict = EvaluateServices(facts);
    const std::string label = std::string(row.live ? "live " : "offline ") + row.systemd_binary +
                              " " + row.python3 + " " + row.python2;
    EXPECT_EQ(verdict.systemd, row.systemd) << label;
    EXPECT_EQ(verdict.systemd_status, row.systemd_status) << label;
    EXPECT_EQ(verdict.python, row.python) << label;
    EXPECT_EQ(verdict.python_status, row.python_status) << label;
  }
}

}  // namespace
}  // namespace preflight::testing

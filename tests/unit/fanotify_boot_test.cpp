#include "probes/linux/fanotify/fanotify_boot.h"

#include <gtest/gtest.h>

#include <string>

#include "probes/linux/fanotify/fanotify_check.h"
#include "tests/fakes/fake_platform.h"
#include "tests/unit/fake_proc.h"
#include "tests/unit/hostchecks_fixture.h"

namespace preflight::testing {
namespace {

constexpr char kDebian12[] =
    "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\nVERSION_ID=\"12\"\n";
constexpr char kClamavDaemon[] =
    "Package: dpkg\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1.21.22\n\n"
    "Package: clamav-daemon\nStatus: install ok installed\nArchitecture: amd64\n"
    "Version: 1.4.3+dfsg-1~deb12u2\n\n";
constexpr char kUnit[] = "/lib/systemd/system/clamav-clamonacc.service";
constexpr char kWants[] = "/etc/systemd/system/multi-user.target.wants/clamav-clamonacc.service";

// An image with Debian's clamav-daemon: the package, its clamonacc unit, clamd.conf with
// `prevention`, and the enablement link `systemctl enable` makes when `enabled`.
void ClamavImage(const TempTree& tree, bool enabled, const std::string& prevention) {
  tree.Write("etc/os-release", kDebian12);
  tree.Write("var/lib/dpkg/status", kClamavDaemon);
  tree.Write("proc/.keep", "");
  tree.Write(std::string(kUnit).substr(1), "[Install]\nWantedBy=multi-user.target\n");
  tree.Write("etc/clamav/clamd.conf", "# clamd.conf\nLocalSocket /run/clamav/clamd.ctl\n" +
                                          prevention + "OnAccessMaxFileSize 5M\n");
  std::filesystem::remove(std::filesystem::path(tree.root()) / "proc/.keep");
  if (enabled) tree.Symlink(std::string(kWants).substr(1), kUnit);
}

CheckResult RunOnTree(const TempTree& tree) {
  TreeWorld world(tree.root());
  return FanotifyCheck().Run(world.Ctx(/*live=*/false));
}

TEST(FanotifyBoot, ImageWithEnabledBlockingClamonaccFailsNamingUnitAndConfigLine) {
  TempTree tree;
  ClamavImage(tree, /*enabled=*/true, "OnAccessPrevention yes\n");
  const CheckResult r = RunOnTree(tree);
  EXPECT_EQ(r.status, Status::kFail) << r.summary;
  EXPECT_TRUE(Has(r.summary,
                  "ClamAV on-access scanner (clamonacc) is installed and enabled to "
                  "start at boot"))
      << r.summary;
  EXPECT_TRUE(Has(r.summary, "package clamav-daemon 1.4.3+dfsg-1~deb12u2")) << r.summary;
  EXPECT_TRUE(Has(r.summary, std::string("enabled by ") + kWants)) << r.summary;
  EXPECT_TRUE(Has(r.summary, "/etc/clamav/clamd.conf:3: OnAccessPrevention yes")) << r.summary;
  EXPECT_TRUE(Has(r.remediation, "systemctl disable clamav-clamonacc.service")) << r.remediation;
  const auto& product = r.evidence["installed_products"]["products"][0];
  EXPECT_EQ(product["unit_file"], kUnit);
  EXPECT_EQ(product["enabled_by"], kWants);
  EXPECT_EQ(product["blocks"], true);
  EXPECT_EQ(r.evidence["installed_products"]["package_manager"], "dpkg");
}

TEST(FanotifyBoot, ImageWithInstalledButDisabledClamonaccWarns) {
  TempTree tree;
  ClamavImage(tree, /*enabled=*/false, "OnAccessPrevention yes\n");
  const CheckResult r = RunOnTree(tree);
  EXPECT_EQ(r.status, Status::kWarn) << r.summary;
  EXPECT_TRUE(Has(r.summary, "is installed but not enabled")) << r.summary;
}

TEST(FanotifyBoot, EnabledWithPreventionOffWarns) {
  TempTree tree;
  ClamavImage(tree, /*enabled=*/true, "OnAccessPrevention no\n");
  const CheckResult r = RunOnTree(tree);
  EXPECT_EQ(r.status, Status::kWarn) << r.summary;
  EXPECT_TRUE(Has(r.summary, "with blocking off")) << r.summary;
  EXPECT_TRUE(Has(r.summary, "/etc/clamav/clamd.conf:3: OnAccessPrevention no")) << r.summary;
}

TEST(FanotifyBoot, MaskedUnitDoesNotStart) {
  TempTree tree;
  ClamavImage(tree, /*enabled=*/true, "OnAccessPrevention yes\n");
  tree.Symlink("etc/systemd/system/clamav-clamonacc.service", "/dev/null");
  const CheckResult r = RunOnTree(tree);
  EXPECT_EQ(r.status, Status::kWarn) << r.summary;
  EXPECT_TRUE(Has(r.summary, "masked")) << r.summary;
}

// Debian's fapolicyd package and its unit, enabled or not.
void FapolicydImage(const TempTree& tree, bool enabled) {
  tree.Write("etc/os-release", kDebian12);
  tree.Write("var/lib/dpkg/status",
             "Package: fapolicyd\nStatus: install ok installed\nVersion: 1.1.7-5\n\n");
  tree.Write("lib/systemd/system/fapolicyd.service", "");
  if (enabled) {
    tree.Symlink("etc/systemd/system/multi-user.target.wants/fapolicyd.service",
                 "/lib/systemd/system/fapolicyd.service");
  }
}

TEST(FanotifyBoot, FapolicydEnabledOffRhelWarns) {
  TempTree tree;
  FapolicydImage(tree, /*enabled=*/true);
  const CheckResult r = RunOnTree(tree);
  EXPECT_EQ(r.status, Status::kWarn) << r.summary;
  EXPECT_TRUE(Has(r.summary, "only on RHEL and Fedora")) << r.summary;
}

TEST(FanotifyBoot, FapolicydInstalledButNotEnabledIsASkipThatNamesIt) {
  TempTree tree;
  FapolicydImage(tree, /*enabled=*/false);
  const CheckResult r = RunOnTree(tree);
  EXPECT_EQ(r.status, Status::kSkip) << r.summary;
  EXPECT_TRUE(Has(r.summary, "Installed but not started at boot: fapolicyd")) << r.summary;
}

TEST(FanotifyBoot, NothingInstalledIsASkipNotAPass) {
  TempTree tree;
  tree.Write("etc/os-release", kDebian12);
  tree.Write("var/lib/dpkg/status", "Package: dpkg\nStatus: install ok installed\n\n");
  const CheckResult r = RunOnTree(tree);
  EXPECT_EQ(r.status, Status::kSkip) << r.summary;
  EXPECT_TRUE(Has(r.summary, "not a property of an image")) << r.summary;
}

// A service mde_installer.sh refuses (exit 5 when active), enabled in an image: it will be active
// on the booted machine. Installed but not enabled stays a warning.
TEST(FanotifyBoot, ConflictingServiceEnabledInAnImageFails) {
  TempTree tree;
  tree.Write("etc/os-release", kDebian12);
  tree.Write("lib/systemd/system/ds_agent.service", "[Install]\nWantedBy=multi-user.target\n");
  CheckResult r = RunOnTree(tree);
  EXPECT_EQ(r.status, Status::kWarn) << r.summary;
  tree.Symlink("etc/systemd/system/multi-user.target.wants/ds_agent.service",
               "/lib/systemd/system/ds_agent.service");
  r = RunOnTree(tree);
  EXPECT_EQ(r.status, Status::kFail) << r.summary;
  EXPECT_TRUE(Has(r.summary,
                  "enabled to start at boot "
                  "(/etc/systemd/system/multi-user.target.wants/ds_agent.service)"))
      << r.summary;
  EXPECT_TRUE(Has(r.summary, "exit code 5")) << r.summary;
}

// The live machine: clamonacc installed and enabled, its service stopped when the scan runs, so no
// process holds a group. It starts at the next boot, so the check warns and names it.
TEST(FanotifyBoot, LiveHostWarnsAboutAnEnabledProductThatIsNotRunning) {
  FakeWorld w;
  w.fs.SetLive(true);
  w.fs.AddFile("/proc/1/comm", "systemd\n");
  w.fs.AddDir("/proc/1/fd");
  w.fs.AddFile("/var/lib/dpkg/status", kClamavDaemon);
  w.fs.AddFile(kUnit, "[Install]\nWantedBy=multi-user.target\n");
  w.fs.AddLink(kWants, kUnit);
  w.fs.AddFile("/etc/clamav/clamd.conf", "OnAccessPrevention yes\n");
  w.services.SetAvailable(true);
  w.services.SetState("clamav-clamonacc.service", ServiceState::kInactive);
  const CheckResult r = FanotifyCheck().Run(w.Ctx(/*live=*/true));
  EXPECT_EQ(r.status, Status::kWarn) << r.summary;
  EXPECT_TRUE(Has(r.summary,
                  "ClamAV on-access scanner (clamonacc) is installed and enabled to "
                  "start at boot"))
      << r.summary;
  EXPECT_TRUE(Has(r.summary, "but is not running now")) << r.summary;
  EXPECT_EQ(r.evidence["installed_products"]["products"][0]["running"], false);

  // Running: the service manager says so, and the holder scan is what judges it then.
  w.services.SetState("clamav-clamonacc.service", ServiceState::kActive);
  const CheckResult running = FanotifyCheck().Run(w.Ctx(/*live=*/true));
  EXPECT_FALSE(Has(running.summary, "not running now")) << running.summary;
}

}  // namespace
}  // namespace preflight::testing

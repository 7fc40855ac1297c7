#include "probes/linux/kernel_check.h"

#include <gtest/gtest.h>

#include "tests/unit/gzip_for_test.h"
#include "tests/unit/hostchecks_fixture.h"

namespace preflight::testing {
namespace {

constexpr auto RunOn = &RunCheckOn<KernelCheck>;

TEST(KernelCheck, FixtureTrees) {
  const FixtureCase cases[] = {
      {"good_ubuntu2204", Status::kPass, "Kernel 5.15.0-1057-azure meets"},
      {"rhel94_arm64", Status::kWarn, "Fanotify can't run in blocking mode"},
      {"kernel_fanotify_unset", Status::kFail, "real-time protection cannot work"},
      {"kernel_no_config", Status::kWarn, "tried /boot/config-5.15.0-1057-azure, /proc/config.gz"},
      {"rhel610", Status::kFail, "older than 3.10.0-327"},
      {"amzn2_kernel414", Status::kWarn, "minimum for MDE's eBPF event provider"},
      {"ol88_uek_hang", Status::kWarn, "hang"},
      {"no_os_release", Status::kWarn, "kernel release could not be determined"},
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

TEST(KernelCheck, ReportsReleaseAndConfigEvidence) {
  const CheckResult r = RunOn(HostchecksCase("good_ubuntu2204"));
  EXPECT_EQ(r.report["host"]["kernel"], "5.15.0-1057-azure");
  EXPECT_EQ(r.evidence["config_path"], "/boot/config-5.15.0-1057-azure");
  EXPECT_EQ(r.evidence["config_fanotify"], "y");
  EXPECT_EQ(r.evidence["ebpf_supported"], true);
}

TEST(KernelCheck, UnsetFanotifyIsReportedAsN) {
  const CheckResult r = RunOn(HostchecksCase("kernel_fanotify_unset"));
  EXPECT_EQ(r.evidence["config_fanotify"], "n");
  EXPECT_EQ(r.evidence["config_fanotify_access_permissions"], "absent");
}

TEST(KernelCheck, OfflineImageWithOneKernelUsesItsConfig) {
  const CheckResult r = RunOn(HostchecksCase("kernel_offline_boot_only"));
  EXPECT_EQ(r.status, Status::kPass) << r.summary;
  EXPECT_EQ(r.evidence["release"], "6.8.0-1012-azure");
  EXPECT_TRUE(Has(r.evidence["release_source"], "the only kernel")) << r.evidence.dump();
}

TEST(KernelCheck, FallsBackToProcConfigGz) {
  TempTree tree("kernel_no_config");
  tree.Write("proc/config.gz", GzipForTest("CONFIG_FANOTIFY=y\n"
                                           "# CONFIG_FANOTIFY_ACCESS_PERMISSIONS is not set\n"));
  const CheckResult r = RunOn(tree.root());
  EXPECT_EQ(r.status, Status::kWarn) << r.summary;
  EXPECT_EQ(r.evidence["config_path"], "/proc/config.gz");
  EXPECT_EQ(r.evidence["config_fanotify_access_permissions"], "n");
}

TEST(KernelCheck, CorruptProcConfigGzIsExplained) {
  TempTree tree("kernel_no_config");
  tree.Write("proc/config.gz", GzipForTest("CONFIG_FANOTIFY=y\n").substr(0, 10));
  const CheckResult r = RunOn(tree.root());
  EXPECT_EQ(r.status, Status::kWarn) << r.summary;
  EXPECT_TRUE(Has(r.evidence["config_errors"].dump(), "/proc/config.gz: ")) << r.evidence.dump();
}

TEST(KernelCheck, HostileReleaseIsNotUsedAsAPath) {
  TempTree tree("kernel_no_config");
  tree.Write("proc/sys/kernel/osrelease", "../../etc/shadow\n");
  tree.Write("etc/shadow", "CONFIG_FANOTIFY=y\nCONFIG_FANOTIFY_ACCESS_PERMISSIONS=y\n");
  const CheckResult r = RunOn(tree.root());
  EXPECT_EQ(r.evidence["config_tried"], nlohmann::json({"/proc/config.gz"})) << r.evidence.dump();
}

TEST(KernelCheck, LiveFallsBackToUname) {
  FakeWorld world;
  world.fs.AddFile("/boot/config-6.1.0-18-amd64",
                   "CONFIG_FANOTIFY=y\nCONFIG_FANOTIFY_ACCESS_PERMISSIONS=y\n");
  world.fs.AddFile("/etc/os-release", "ID=debian\nVERSION_ID=\"12\"\n");
  const CheckResult r = KernelCheck().Run(world.Ctx(/*live=*/true));
  EXPECT_EQ(r.status, Status::kPass) << r.summary;
  EXPECT_EQ(r.evidence["release_source"], "uname(2)");
  EXPECT_EQ(r.evidence["ebpf_minimum_kernel"], "4.19.0");
}

TEST(EvaluateKernel, Table) {
  LinuxSupport support;
  support.minimum_kernel = "3.10.0-327";
  support.ebpf_minimums.push_back(EbpfMinimum{{"debian"}, "", "", "4.19.0"});
  struct Row {
    const LinuxSupport* support;
    const char* release;
    const char* config_path;
    const char* fanotify;
    const char* permissions;
    bool below_minimum;
    FanotifyFinding fanotify_finding;
    Status fanotify_status;
    int ebpf_supported;  // -1: not evaluated (no support table)
  };
  const Row rows[] = {
      {&support, "6.1.0-18-amd64", "/boot/config-6.1.0-18-amd64", "y", "y", false,
       FanotifyFinding::kBlocking, Status::kPass, 1},
      {&support, "3.10.0-123", "/boot/config-3.10.0-123", "y", "y", true,
       FanotifyFinding::kBlocking, Status::kPass, 0},
      {&support, "4.9.0-1", "/boot/config-4.9.0-1", "n", "absent", false, FanotifyFinding::kMissing,
       Status::kFail, 0},
      {&support, "6.1.0-18-amd64", "/proc/config.gz", "y", "n", false,
       FanotifyFinding::kNoPermissionEvents, Status::kWarn, 1},
      // A module is not built in: permission events need CONFIG_FANOTIFY=y.
      {&support, "6.1.0-18-amd64", "/proc/config.gz", "m", "y", false, FanotifyFinding::kMissing,
       Status::kFail, 1},
      {&support, "6.1.0-18-amd64", "", "", "", false, FanotifyFinding::kUnknown, Status::kWarn, 1},
      // Without the table: the documented minimum, and no eBPF verdict.
      {nullptr, "3.10.0-326", "", "", "", true, FanotifyFinding::kUnknown, Status::kWarn, -1},
      {nullptr, "3.10.0-327", "/boot/config-3.10.0-327", "y", "y", false,
       FanotifyFinding::kBlocking, Status::kPass, -1},
  };
  for (const Row& row : rows) {
    KernelFacts facts;
    facts.release = row.release;
    facts.config_path = row.config_path;
    facts.config_fanotify = row.fanotify;
    facts.config_permissions = row.permissions;
    facts.os_id = "debian";
    facts.os_version_id = "12";
    const KernelVerdict verdict = EvaluateKernel(row.support, facts);
    const std::string label = std::string(row.release) + " " + row.config_path;
    EXPECT_TRUE(verdict.release_known) << label;
    EXPECT_EQ(verdict.minimum, "3.10.0-327") << label;
    EXPECT_EQ(verdict.below_minimum, row.below_minimum) << label;
    EXPECT_EQ(verdict.fanotify, row.fanotify_finding) << label;
    EXPECT_EQ(verdict.fanotify_status, row.fanotify_status) << label;
    EXPECT_EQ(verdict.ebpf.has_value(), row.ebpf_supported >= 0) << label;
    if (verdict.ebpf) {
      EXPECT_EQ(verdict.ebpf->supported, row.ebpf_supported == 1) << label;
    }
  }
  EXPECT_FALSE(EvaluateKernel(&support, KernelFacts{}).release_known);
}

}  // namespace
}  // namespace preflight::testing

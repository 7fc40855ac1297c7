// The systemd ServiceManager over a fixture root (created at run time) and a FakeProcessRunner.

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "platform/linux/systemd_service_manager.h"
#include "tests/fakes/fake_platform.h"

namespace preflight {
namespace {

namespace fs = std::filesystem;

const std::string kShowArgs = " show --property=LoadState,ActiveState,SubState,UnitFileState -- ";

class SystemdServiceManagerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::path(::testing::TempDir()) /
            ("preflight-systemd-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_);
  }
  void TearDown() override { fs::remove_all(root_); }

  void Booted() { fs::create_directories(root_ / "run/systemd/system"); }
  std::string AddSystemctl(const std::string& dir) {
    fs::create_directories(root_ / dir);
    std::ofstream(root_ / dir / "systemctl") << "#!/bin/false\n";
    return (root_ / dir / "systemctl").string();
  }
  ProcessOutput Show(const std::string& text) {
    ProcessOutput out;
    out.exit_code = 0;
    out.out = text;
    return out;
  }

  fs::path root_;
  testing::FakeProcessRunner runner_;
};

TEST_F(SystemdServiceManagerTest, NotBootedWithSystemdIsUnavailable) {
  AddSystemctl("usr/bin");  // installed, as on this build machine, but not PID 1
  auto manager = MakeSystemdServiceManager(runner_, root_.string());
  EXPECT_FALSE(manager->Available());
  const auto r = manager->Query("mdatp");
  ASSERT_FALSE(r.Ok());
  EXPECT_EQ(r.Err().kind, ErrorKind::kUnavailable);
  EXPECT_NE(r.Err().message.find("/run/systemd/system"), std::string::npos);
  EXPECT_TRUE(runner_.calls().empty());
}

TEST_F(SystemdServiceManagerTest, BootedWithoutSystemctlIsUnavailable) {
  Booted();
  auto manager = MakeSystemdServiceManager(runner_, root_.string());
  EXPECT_FALSE(manager->Available());
  const auto r = manager->Query("mdatp");
  ASSERT_FALSE(r.Ok());
  EXPECT_EQ(r.Err().kind, ErrorKind::kUnavailable);
  EXPECT_TRUE(runner_.calls().empty());
}

TEST_F(SystemdServiceManagerTest, FindsSystemctlInBinToo) {
  Booted();
  const std::string systemctl = AddSystemctl("bin");
  runner_.Expect(systemctl + kShowArgs + "mdatp.service",
                 Show("LoadState=loaded\nActiveState=active\nSubState=running\n"
                      "UnitFileState=enabled\n"));
  auto manager = MakeSystemdServiceManager(runner_, root_.string() + "/");
  EXPECT_TRUE(manager->Available());
  const auto r = manager->Query("mdatp");
  ASSERT_TRUE(r.Ok()) << r.Err().message;
  EXPECT_EQ(r.Value().state, ServiceState::kActive);
  EXPECT_EQ(r.Value().detail, "active (running), enabled");
}

TEST_F(SystemdServiceManagerTest, MapsSystemctlAnswers) {
  Booted();
  const std::string systemctl = AddSystemctl("usr/bin");
  AddSystemctl("bin");  // /usr/bin wins
  runner_.Expect(systemctl + kShowArgs + "mdatp.service",
                 Show("LoadState=loaded\nActiveState=failed\nSubState=failed\n"
                      "UnitFileState=enabled\n"));
  runner_.Expect(systemctl + kShowArgs + "nosuch.service",
                 Show("LoadState=not-found\nActiveState=inactive\nSubState=dead\n"
                      "UnitFileState=\n"));
  runner_.Expect(systemctl + kShowArgs + "-.mount",
                 Show("LoadState=loaded\nActiveState=active\nSubState=mounted\n"
                      "UnitFileState=generated\n"));
  runner_.Expect(systemctl + kShowArgs + "starting.service",
                 Show("LoadState=loaded\nActiveState=activating\nSubState=start\n"
                      "UnitFileState=enabled\n"));
  auto manager = MakeSystemdServiceManager(runner_, root_.string());
  ASSERT_TRUE(manager->Available());

  const auto failed = manager->Query("mdatp.service");
  ASSERT_TRUE(failed.Ok()) << failed.Err().message;
  EXPECT_EQ(failed.Value().state, ServiceState::kFailed);
  const auto missing = manager->Query("nosuch");
  ASSERT_TRUE(missing.Ok()) << missing.Err().message;
  EXPECT_EQ(missing.Value().state, ServiceState::kNotFound);
  const auto root_mount = manager->Query("-.mount");
  ASSERT_TRUE(root_mount.Ok()) << root_mount.Err().message;
  EXPECT_EQ(root_mount.Value().state, ServiceState::kActive);
  EXPECT_EQ(root_mount.Value().detail, "active (mounted), generated");
  const auto starting = manager->Query("starting");
  ASSERT_TRUE(starting.Ok()) << starting.Err().message;
  EXPECT_EQ(starting.Value().state, ServiceState::kActivating);
  EXPECT_EQ(runner_.calls().size(), 4U);
}

TEST_F(SystemdServiceManagerTest, ReportsSystemctlFailures) {
  Booted();
  const std::string systemctl = AddSystemctl("usr/bin");
  ProcessOutput refused;
  refused.exit_code = 1;
  refused.err = "Failed to connect to bus: No such file or directory\nmore\n";
  runner_.Expect(systemctl + kShowArgs + "a.service", refused);
  runner_.Expect(systemctl + kShowArgs + "b.service",
                 MakeError(ErrorKind::kTimeout, "did not finish within 5000 ms"));
  ProcessOutput flood = Show(std::string(4096, 'x'));
  flood.truncated = true;
  runner_.Expect(systemctl + kShowArgs + "c.service", flood);
  runner_.Expect(systemctl + kShowArgs + "d.service", Show("garbage\n"));
  auto manager = MakeSystemdServiceManager(runner_, root_.string());

  const auto a = manager->Query("a");
  ASSERT_FALSE(a.Ok());
  EXPECT_EQ(a.Err().kind, ErrorKind::kOther);
  EXPECT_EQ(a.Err().message,
            "systemctl show a.service exited with code 1: Failed to connect to bus: No such file "
            "or directory");
  const auto b = manager->Query("b");
  ASSERT_FALSE(b.Ok());
  EXPECT_EQ(b.Err().kind, ErrorKind::kTimeout);
  const auto c = manager->Query("c");
  ASSERT_FALSE(c.Ok());
  EXPECT_EQ(c.Err().kind, ErrorKind::kTooLarge);
  const auto d = manager->Query("d");
  ASSERT_FALSE(d.Ok());
  EXPECT_EQ(d.Err().kind, ErrorKind::kOther);
  EXPECT_NE(d.Err().message.find("no LoadState"), std::string::npos);
}

TEST_F(SystemdServiceManagerTest, RefusesBadUnitNamesWithoutRunningAnything) {
  Booted();
  AddSystemctl("usr/bin");
  auto manager = MakeSystemdServiceManager(runner_, root_.string());
  for (const std::string name : {"", "mdatp *", "a;reboot", "x\xff", "/etc/passwd"}) {
    const auto r = manager->Query(name);
    ASSERT_FALSE(r.Ok()) << name;
    EXPECT_EQ(r.Err().kind, ErrorKind::kInvalid) << name;
  }
  EXPECT_TRUE(runner_.calls().empty());
}

TEST_F(SystemdServiceManagerTest, OptionLikeNamesStayUnitNames) {
  Booted();
  const std::string systemctl = AddSystemctl("usr/bin");
  auto manager = MakeSystemdServiceManager(runner_, root_.string());
  // Valid unit characters; after "--" systemctl cannot take it for an option.
  (void)manager->Query("--help");
  ASSERT_EQ(runner_.calls().size(), 1U);
  EXPECT_EQ(runner_.calls()[0], systemctl + kShowArgs + "--help.service");
}

}  // namespace
}  // namespace preflight

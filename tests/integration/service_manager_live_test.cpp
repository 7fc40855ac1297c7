// The systemd ServiceManager against this machine and its real systemctl.

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "platform/linux/systemd_service_manager.h"
#include "platform/process_runner.h"
#include "platform/service_manager.h"

namespace preflight {
namespace {

namespace fs = std::filesystem;

std::string InitName() {
  std::ifstream in("/proc/1/comm");
  std::string name;
  std::getline(in, name);
  return name;
}

bool HostHasSystemctl() { return fs::exists("/usr/bin/systemctl") || fs::exists("/bin/systemctl"); }

TEST(LiveServiceManager, AvailableExactlyWhenSystemdIsPid1) {
  const std::string init = InitName();
  if (init.empty()) GTEST_SKIP() << "/proc/1/comm is not readable here";
  auto runner = MakeProcessRunner();
  auto manager = MakeServiceManager(*runner);
  // An independent witness: the name of PID 1 (on this build machine it is not systemd).
  EXPECT_EQ(manager->Available(), init == "systemd" && HostHasSystemctl()) << "PID 1 is " << init;
  const auto r = manager->Query("-.mount");
  if (manager->Available()) {
    ASSERT_TRUE(r.Ok()) << r.Err().message;
    EXPECT_EQ(r.Value().state, ServiceState::kActive);  // the root file system is always mounted
  } else {
    ASSERT_FALSE(r.Ok());
    EXPECT_EQ(r.Err().kind, ErrorKind::kUnavailable);
  }
}

// Pretends systemd is booted (a fixture root with /run/systemd/system and a link to the real
// systemctl) so the real binary runs through the real runner whatever PID 1 is.
TEST(LiveServiceManager, RealSystemctlThroughTheRealRunner) {
  const fs::path systemctl =
      fs::exists("/usr/bin/systemctl") ? "/usr/bin/systemctl" : "/bin/systemctl";
  if (!fs::exists(systemctl)) GTEST_SKIP() << "systemctl is not installed";
  const fs::path root =
      fs::path(::testing::TempDir()) / ("preflight-live-systemd-" + std::to_string(::getpid()));
  fs::remove_all(root);
  fs::create_directories(root / "run/systemd/system");
  fs::create_directories(root / "usr/bin");
  fs::create_symlink(systemctl, root / "usr/bin/systemctl");

  auto runner = MakeProcessRunner();
  auto manager = MakeSystemdServiceManager(*runner, root.string());
  ASSERT_TRUE(manager->Available());
  const auto r = manager->Query("-.mount");
  fs::remove_all(root);
  if (InitName() == "systemd") {
    ASSERT_TRUE(r.Ok()) << r.Err().message;
    EXPECT_EQ(r.Value().state, ServiceState::kActive);
  } else {
    // systemctl refuses without systemd as PID 1 (exit 1, "System has not been booted with
    // systemd as init system (PID 1). Can't operate."); the error carries its first line.
    ASSERT_FALSE(r.Ok());
    EXPECT_EQ(r.Err().kind, ErrorKind::kOther);
    EXPECT_NE(r.Err().message.find("exited with code 1"), std::string::npos) << r.Err().message;
    EXPECT_NE(r.Err().message.find("booted with systemd"), std::string::npos) << r.Err().message;
  }
}

}  // namespace
}  // namespace preflight

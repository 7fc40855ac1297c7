#include "platform/systemd_show.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace preflight {
namespace {

struct ShowCase {
  const char* name;
  std::string text;  // literal `systemctl show --property=...` output
  bool ok;
  ServiceState state;
  std::string detail;
};

TEST(ParseSystemctlShow, TableOfRealisticOutputs) {
  const std::vector<ShowCase> cases = {
      {"running service",
       "LoadState=loaded\nActiveState=active\nSubState=running\n"
       "UnitFileState=enabled\n",
       true, ServiceState::kActive, "active (running), enabled"},
      {"unit that does not exist",
       "LoadState=not-found\nActiveState=inactive\nSubState=dead\n"
       "UnitFileState=\n",
       true, ServiceState::kNotFound, "not-found"},
      {"failed service",
       "LoadState=loaded\nActiveState=failed\nSubState=failed\n"
       "UnitFileState=enabled\n",
       true, ServiceState::kFailed, "failed (failed), enabled"},
      {"masked service",
       "LoadState=masked\nActiveState=inactive\nSubState=dead\n"
       "UnitFileState=masked\n",
       true, ServiceState::kInactive, "inactive (dead), masked"},
      {"disabled, stopped",
       "LoadState=loaded\nActiveState=inactive\nSubState=dead\n"
       "UnitFileState=disabled\n",
       true, ServiceState::kInactive, "inactive (dead), disabled"},
      {"restarting after a crash",
       "LoadState=loaded\nActiveState=activating\n"
       "SubState=auto-restart\nUnitFileState=enabled\n",
       true, ServiceState::kActivating, "activating (auto-restart), enabled"},
      {"oneshot that ran",
       "LoadState=loaded\nActiveState=active\nSubState=exited\n"
       "UnitFileState=static\n",
       true, ServiceState::kActive, "active (exited), static"},
      {"reloading",
       "LoadState=loaded\nActiveState=reloading\nSubState=reload\n"
       "UnitFileState=enabled\n",
       true, ServiceState::kActive, "reloading (reload), enabled"},
      {"stopping",
       "LoadState=loaded\nActiveState=deactivating\nSubState=stop-sigterm\n"
       "UnitFileState=enabled\n",
       true, ServiceState::kInactive, "deactivating (stop-sigterm), enabled"},
      {"unit file deleted while running",
       "LoadState=not-found\nActiveState=active\n"
       "SubState=running\nUnitFileState=\n",
       true, ServiceState::kActive, "active (running), not-found"},
      {"state this code does not know",
       "LoadState=loaded\nActiveState=maintenance\n"
       "SubState=cleaning\nUnitFileState=generated\n",
       true, ServiceState::kUnknown, "maintenance (cleaning), generated"},
      {"CRLF and no final newline", "LoadState=loaded\r\nActiveState=active\r\nSubState=running",
       true, ServiceState::kActive, "active (running)"},
      {"other properties are ignored",
       "Id=mdatp.service\nLoadState=loaded\nNames=mdatp.service\n"
       "ActiveState=active\nDescription=Microsoft Defender\nSubState=running\n",
       true, ServiceState::kActive, "active (running)"},
      {"only the first unit counts",
       "\nLoadState=loaded\nActiveState=active\nSubState=running\n\n"
       "LoadState=loaded\nActiveState=failed\nSubState=failed\n",
       true, ServiceState::kActive, "active (running)"},
      {"systemd is not PID 1",
       "System has not been booted with systemd as init system (PID 1)."
       " Can't operate.\nFailed to connect to bus: Host is down\n",
       false, ServiceState::kUnknown, "no LoadState in systemctl show output"},
      {"empty", "", false, ServiceState::kUnknown, "no LoadState in systemctl show output"},
      {"truncated", "LoadState=loaded\nActiveSta", false, ServiceState::kUnknown,
       "no ActiveState in systemctl show output"},
      {"empty state", "LoadState=loaded\nActiveState=\n", false, ServiceState::kUnknown,
       "no ActiveState in systemctl show output"},
      {"binary in a value", std::string("LoadState=lo\xff\0ded\nActiveState=active\n", 34), false,
       ServiceState::kUnknown, "unexpected value for LoadState"},
      {"value with an equals sign", "LoadState=loaded\nActiveState=active=1\n", false,
       ServiceState::kUnknown, "unexpected value for ActiveState"},
      {"overlong value", "LoadState=loaded\nActiveState=" + std::string(65, 'a') + "\n", false,
       ServiceState::kUnknown, "unexpected value for ActiveState"},
  };
  for (const ShowCase& c : cases) {
    SCOPED_TRACE(c.name);
    const SystemctlShow show = ParseSystemctlShow(c.text);
    EXPECT_EQ(show.ok, c.ok) << show.error;
    EXPECT_EQ(show.ok, show.error.empty());
    const ServiceStatus status = ServiceStatusFromShow(show);
    EXPECT_EQ(ServiceStateName(status.state), std::string(ServiceStateName(c.state)));
    EXPECT_EQ(status.detail, c.detail);
  }
}

TEST(ParseSystemctlShow, KeepsEachProperty) {
  const SystemctlShow show = ParseSystemctlShow(
      "LoadState=loaded\nActiveState=active\nSubState=running\nUnitFileState=enabled-runtime\n");
  ASSERT_TRUE(show.ok);
  EXPECT_EQ(show.load_state, "loaded");
  EXPECT_EQ(show.active_state, "active");
  EXPECT_EQ(show.sub_state, "running");
  EXPECT_EQ(show.unit_file_state, "enabled-runtime");
}

TEST(SystemdUnitName, AppendsServiceOnlyWithoutAUnitTypeSuffix) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"mdatp", "mdatp.service"},
      {"mdatp.service", "mdatp.service"},
      {"-.mount", "-.mount"},
      {"systemd-journald.socket", "systemd-journald.socket"},
      {"getty@tty1", "getty@tty1.service"},
      {"dev-sda1.device", "dev-sda1.device"},
      {"azure.agent", "azure.agent.service"},  // "agent" is no unit type
      {"walinuxagent", "walinuxagent.service"},
  };
  for (const auto& [in, out] : cases) {
    const auto unit = SystemdUnitName(in);
    ASSERT_TRUE(unit.has_value()) << in;
    EXPECT_EQ(*unit, out);
  }
}

TEST(SystemdUnitName, RefusesWhatIsNoUnitName) {
  for (const std::string& name :
       {std::string(""), std::string("a b"), std::string("*"), std::string("mdatp?"),
        std::string("../etc/passwd"), std::string(".service"), std::string("x\ny"),
        std::string("a\0b", 3), std::string(256, 'a'), std::string(250, 'a')}) {
    EXPECT_FALSE(SystemdUnitName(name).has_value()) << name;
  }
  EXPECT_TRUE(SystemdUnitName(std::string(247, 'a')).has_value());  // + ".service" = 255
}

}  // namespace
}  // namespace preflight

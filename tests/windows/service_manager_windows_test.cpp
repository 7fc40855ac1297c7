#include <gtest/gtest.h>

#include "platform/process_runner.h"
#include "platform/service_manager.h"

namespace preflight {
namespace {

// Services every Windows has, and Wine too (reference/toolchain.md §2 lists Wine's services).
TEST(WindowsServiceManager, QueriesServicesOfTheSystem) {
  auto runner = MakeProcessRunner();
  auto services = MakeServiceManager(*runner);
  ASSERT_TRUE(services->Available());
  bool any_known = false;
  for (const char* name : {"RpcSs", "Eventlog", "PlugPlay"}) {
    const auto status = services->Query(name);
    ASSERT_TRUE(status.Ok()) << name << ": " << status.Err().message;
    EXPECT_NE(status.Value().state, ServiceState::kNotFound) << name;
    EXPECT_NE(status.Value().state, ServiceState::kUnknown) << name;
    // "running, automatic start", "stopped, manual start", ...
    EXPECT_NE(status.Value().detail.find(", "), std::string::npos) << status.Value().detail;
    any_known = any_known || status.Value().state == ServiceState::kActive ||
                status.Value().state == ServiceState::kInactive;
  }
  EXPECT_TRUE(any_known);
}

TEST(WindowsServiceManager, AMissingServiceIsNotFoundNotAnError) {
  auto runner = MakeProcessRunner();
  auto services = MakeServiceManager(*runner);
  const auto status = services->Query("mde-preflight-no-such-service");
  ASSERT_TRUE(status.Ok()) << status.Err().message;
  EXPECT_EQ(status.Value().state, ServiceState::kNotFound);
  EXPECT_EQ(services->Query("bad\xFFname").Err().kind, ErrorKind::kInvalid);
}

}  // namespace
}  // namespace preflight

#include "platform/service_manager.h"

#include <gtest/gtest.h>

#include <string>

namespace preflight {
namespace {

// The names are report vocabulary (evidence fields, mde.service_state): both OSes say the same.
TEST(ServiceStateName, EveryStateHasItsStableName) {
  const struct {
    ServiceState state;
    const char* name;
  } cases[] = {
      {ServiceState::kActive, "active"},          {ServiceState::kInactive, "inactive"},
      {ServiceState::kFailed, "failed"},          {ServiceState::kActivating, "activating"},
      {ServiceState::kNotFound, "not-found"},     {ServiceState::kUnknown, "unknown"},
      {static_cast<ServiceState>(99), "unknown"},
  };
  for (const auto& c : cases) EXPECT_EQ(std::string(ServiceStateName(c.state)), c.name);
}

}  // namespace
}  // namespace preflight

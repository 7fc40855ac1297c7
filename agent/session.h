#pragma once

#include <memory>
#include <optional>
#include <string>

#include "agent/cloud_session.h"
#include "platform/connection_probe.h"
#include "platform/environment.h"
#include "platform/file_system.h"
#include "platform/process_runner.h"
#include "platform/registry.h"
#include "platform/service_manager.h"
#include "platform/system_info.h"
#include "probes/check.h"

namespace preflight {

// The platform of one run: owns the implementations its Context refers to. Shared with the check
// threads, so a check stuck past the deadline never outlives what it uses.
class Session {
 public:
  // Unless `offline` or under another root (whose machine is not this one), the cloud layer
  // confirms the environment and builds the identity before any check runs (cloud_session.h).
  static std::shared_ptr<const Session> Create(const std::string& root, bool offline,
                                               std::chrono::steady_clock::time_point deadline,
                                               const CloudOptions& cloud = {},
                                               const NetworkSettings& network = {});

  std::shared_ptr<const Context> SharedContext(const std::shared_ptr<const Session>& self) const {
    return {self, &*ctx_};
  }
  const Context& Ctx() const { return *ctx_; }
  // Null when --offline or under --root.
  const azure::CloudAccess* Cloud() const { return ctx_->cloud; }

 private:
  Session() = default;
  std::unique_ptr<FileSystem> fs_;
  std::unique_ptr<ProcessRunner> processes_;
  std::unique_ptr<ServiceManager> services_;
  std::unique_ptr<SystemInfo> system_;
  std::unique_ptr<Registry> registry_;
  std::unique_ptr<Environment> env_;
  std::unique_ptr<CloudSession> cloud_;
  std::unique_ptr<ConnectionProber> prober_;
  mutable HostFacts facts_;
  std::optional<Context> ctx_;
};

}  // namespace preflight

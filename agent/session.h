#pragma once

#include <memory>
#include <optional>
#include <string>

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
  static std::shared_ptr<const Session> Create(const std::string& root, bool offline,
                                               std::chrono::steady_clock::time_point deadline);

  std::shared_ptr<const Context> SharedContext(const std::shared_ptr<const Session>& self) const {
    return {self, &*ctx_};
  }
  const Context& ctx() const { return *ctx_; }

 private:
  Session() = default;
  std::unique_ptr<FileSystem> fs_;
  std::unique_ptr<ProcessRunner> processes_;
  std::unique_ptr<ServiceManager> services_;
  std::unique_ptr<SystemInfo> system_;
  std::unique_ptr<Registry> registry_;
  std::unique_ptr<Environment> env_;
  mutable HostFacts facts_;
  std::optional<Context> ctx_;
};

}  // namespace preflight

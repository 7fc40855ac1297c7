#include "agent/session.h"

#include <algorithm>
#include <chrono>

namespace preflight {

std::shared_ptr<const Session> Session::Create(const std::string& root, bool offline,
                                               std::chrono::steady_clock::time_point deadline,
                                               const CloudOptions& cloud,
                                               const NetworkSettings& network) {
  std::shared_ptr<Session> s(new Session());
  s->fs_ = MakeFileSystem(root);
  s->processes_ = MakeProcessRunner();
  s->services_ = MakeServiceManager(*s->processes_);
  s->system_ = MakeSystemInfo();
  s->env_ = MakeEnvironment();
  s->registry_ = MakeRegistry();
  s->prober_ = MakeConnectionProber();
  ContextParts parts;
  parts.fs = s->fs_.get();
  parts.processes = s->processes_.get();
  parts.env = s->env_.get();
  parts.services = s->services_.get();
  parts.system = s->system_.get();
  parts.registry = s->registry_.get();
  parts.facts = &s->facts_;
  parts.live = s->fs_->IsLiveRoot();
  parts.offline = offline;
  parts.deadline = deadline;
  parts.prober = s->prober_.get();
  parts.network = network;
  s->ctx_.emplace(MakeContext(parts));
  if (!offline && s->ctx_->live) {
    CloudOptions options = cloud;
    // Azure's calls end a little before the run does, so a cloud check that waited on a silent
    // endpoint still reports what it could not learn and why, instead of being cut off as a
    // straggler with no explanation of its own.
    const auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - s->ctx_->clock.SteadyNow());
    const auto margin =
        std::clamp(remaining / 10, std::chrono::milliseconds(500), std::chrono::milliseconds(3000));
    options.deadline = remaining > 2 * margin ? deadline - margin : deadline;
    s->cloud_ = CloudSession::Create(*s->ctx_, *s->fs_, options, MakeHttpClient());
    s->ctx_->cloud = &s->cloud_->Access();
  }
  return s;
}

}  // namespace preflight

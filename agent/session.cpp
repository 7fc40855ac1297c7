#include "agent/session.h"

namespace preflight {

std::shared_ptr<const Session> Session::Create(const std::string& root, bool offline,
                                               std::chrono::steady_clock::time_point deadline,
                                               const CloudOptions& cloud) {
  std::shared_ptr<Session> s(new Session());
  s->fs_ = MakeFileSystem(root);
  s->processes_ = MakeProcessRunner();
  s->services_ = MakeServiceManager(*s->processes_);
  s->system_ = MakeSystemInfo();
  s->env_ = MakeEnvironment();
  s->registry_ = MakeRegistry();
  s->ctx_.emplace(Context{*s->fs_, *s->processes_, *s->env_, *s->services_, *s->system_,
                          *s->registry_, s->facts_, s->fs_->IsLiveRoot(), offline, deadline});
  if (!offline && s->ctx_->live) {
    CloudOptions options = cloud;
    options.deadline = deadline;
    s->cloud_ = CloudSession::Create(*s->ctx_, *s->fs_, options, MakeHttpClient());
    s->ctx_->cloud = &s->cloud_->access();
  }
  return s;
}

}  // namespace preflight

#include "platform/process_runner.h"

namespace preflight {

// TODO(platform helper): Boost.Process v2 implementation.
namespace {
class PendingProcessRunner final : public ProcessRunner {
 public:
  Result<ProcessOutput> Run(const std::vector<std::string>& /*argv*/,
                            std::chrono::milliseconds /*timeout*/,
                            std::size_t /*max_output*/) override {
    return MakeError(ErrorKind::kUnavailable, "process runner not implemented yet");
  }
};
}  // namespace

std::unique_ptr<ProcessRunner> MakeProcessRunner() {
  return std::make_unique<PendingProcessRunner>();
}

}  // namespace preflight

// FanotifyGroupSource of builds without the BPF toolchain (clang, bpftool, libbpf, a BTF kernel at
// build time): the in-kernel scan is never available, and the configure step said why.
#include "platform/fanotify_group_source.h"

namespace preflight {
namespace {

class NoFanotifyGroupSource final : public FanotifyGroupSource {
 public:
  Result<KernelFanotifyScan> Scan() const override {
    return MakeError(ErrorKind::kUnavailable,
                     "this build has no BPF iterator (" PREFLIGHT_BPF_SKIPPED_REASON ")");
  }
};

}  // namespace

std::unique_ptr<FanotifyGroupSource> MakeFanotifyGroupSource() {
  return std::make_unique<NoFanotifyGroupSource>();
}

}  // namespace preflight

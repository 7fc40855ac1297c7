#include <memory>

#include "platform/minifilter_source.h"

namespace preflight {
namespace {

// Linux has no Filter Manager; a Windows check that asks is told so rather than given nothing.
class NoMinifilterSource final : public MinifilterSource {
 public:
  Result<std::vector<std::string>> Enumerate(std::size_t /*max_filters*/) const override {
    return MakeError(ErrorKind::kUnavailable, "this system has no Windows Filter Manager");
  }
};

}  // namespace

std::unique_ptr<MinifilterSource> MakeMinifilterSource() {
  return std::make_unique<NoMinifilterSource>();
}

}  // namespace preflight

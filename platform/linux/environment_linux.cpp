#include <cstdlib>
#include <memory>

#include "platform/environment.h"

namespace preflight {
namespace {

class ProcessEnvironment final : public Environment {
 public:
  std::optional<std::string> Get(const std::string& name) const override {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  }
};

}  // namespace

std::unique_ptr<Environment> MakeEnvironment() { return std::make_unique<ProcessEnvironment>(); }

}  // namespace preflight

#include <memory>
#include <string>

#include "platform/registry.h"

namespace preflight {
namespace {

// Linux has no registry; Windows checks that ask get a clear "unavailable" instead of nothing.
class NoRegistry final : public Registry {
 public:
  Result<RegistryValue> ReadValue(const std::string& key, const std::string& /*name*/,
                                  std::size_t /*max_bytes*/, RegistryView /*view*/) const override {
    return Unavailable(key);
  }
  Result<RegistryNames> ListSubkeys(const std::string& key, std::size_t /*max_entries*/,
                                    RegistryView /*view*/) const override {
    return Unavailable(key);
  }
  Result<RegistryNames> ListValueNames(const std::string& key, std::size_t /*max_entries*/,
                                       RegistryView /*view*/) const override {
    return Unavailable(key);
  }
  std::string HostKey(const std::string& key) const override { return "HKLM\\" + key; }

 private:
  Error Unavailable(const std::string& key) const {
    return MakeError(ErrorKind::kUnavailable,
                     "cannot read " + HostKey(key) + ": this system has no Windows registry");
  }
};

}  // namespace

std::unique_ptr<Registry> MakeRegistry(const std::string& /*base*/) {
  return std::make_unique<NoRegistry>();
}

}  // namespace preflight

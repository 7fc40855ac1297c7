#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "probes/common/network_endpoints.h"
#include "probes/common/network_proxy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto list = preflight::ParseEndpointList(text);
  if (list.Ok() && list.Value().size() > 200) __builtin_trap();
  (void)preflight::ParseEndpointCatalog(text);
  const auto roots = preflight::ParseExpectedRoots(text);
  if (roots.Ok()) {
    for (const auto& root : roots.Value()) {
      if (root.spki_sha256.size() != 64) __builtin_trap();
    }
  }
  const auto choice = preflight::ChooseProxy({{"fuzz", std::string(text), false, ""}});
  (void)preflight::BypassesProxy("a.example", text);
  (void)choice;
  return 0;
}

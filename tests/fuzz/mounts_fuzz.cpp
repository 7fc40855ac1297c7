#include <cstddef>
#include <cstdint>
#include <string_view>

#include "probes/linux/mounts.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto mounts = preflight::ParseMounts(text);
  for (const char* path : {"/", "/opt/microsoft/mdatp", "/var/lib/waagent"}) {
    const preflight::MountEntry* mount = preflight::FindMountFor(mounts, path);
    if (mount != nullptr && (mount->mount_point.empty() || mount->mount_point.front() != '/')) {
      __builtin_trap();
    }
  }
  return 0;
}

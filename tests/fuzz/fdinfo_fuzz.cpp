#include <cstddef>
#include <cstdint>
#include <string_view>

#include "probes/linux/fanotify/fdinfo_parser.h"

// libFuzzer entry point: any byte string must parse without crashing, hanging or throwing, and the
// derived decisions must be consistent with the parsed marks.
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const preflight::FanotifyFdinfo info = preflight::ParseFdinfo(text);
  const std::uint64_t perm = preflight::PermissionEventsOf(info);
  if ((perm & ~preflight::kFanPermissionEvents) != 0) __builtin_trap();
  if (perm != 0 && !preflight::IsBlocking(info)) __builtin_trap();
  (void)preflight::PermissionEventNames(perm);
  (void)preflight::FanotifyClassName(info.flags);
  return 0;
}

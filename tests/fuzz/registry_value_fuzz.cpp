#include <cstddef>
#include <cstdint>
#include <string>

#include "platform/registry.h"

// libFuzzer entry point: the first byte picks the stored type, the rest is the value's bytes, as
// a hostile or damaged registry could hold them; decoding never crashes or throws.
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  preflight::RegistryValue value;
  value.type = static_cast<preflight::RegistryType>(data[0] % 12);
  value.data.assign(reinterpret_cast<const char*>(data) + 1, size - 1);
  (void)preflight::DecodeRegistryDword(value, "fuzz");
  (void)preflight::DecodeRegistryQword(value, "fuzz");
  const auto text = preflight::DecodeRegistryString(value, "fuzz");
  if (text.Ok() && text.Value().size() > 3 * value.data.size()) __builtin_trap();
  (void)preflight::DecodeRegistryMultiString(value, "fuzz");
  return 0;
}

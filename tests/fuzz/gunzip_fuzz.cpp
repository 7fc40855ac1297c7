#include <cstddef>
#include <cstdint>
#include <string_view>

#include "probes/linux/gzip.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // A small cap keeps gzip bombs from slowing the fuzzer down and exercises the cap itself.
  constexpr std::size_t kCap = std::size_t{64} << 10;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto out = preflight::GunzipBounded(input, kCap);
  if (out.Ok() && out.Value().size() > kCap) __builtin_trap();
  return 0;
}

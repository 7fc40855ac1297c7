#include <cstddef>
#include <cstdint>
#include <string_view>

#include "probes/common/version.h"

// The input is two versions separated by the first '\n'.
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::size_t newline = text.find('\n');
  const std::string_view a = text.substr(0, newline);
  const std::string_view b =
      newline == std::string_view::npos ? std::string_view() : text.substr(newline + 1);
  if (preflight::VersionComponents(a).size() > preflight::kMaxVersionComponents) __builtin_trap();
  const int ab = preflight::CompareVersions(a, b);
  const int ba = preflight::CompareVersions(b, a);
  // The order must be antisymmetric and reflexive.
  if ((ab < 0) != (ba > 0) || (ab == 0) != (ba == 0)) __builtin_trap();
  if (preflight::CompareVersions(a, a) != 0) __builtin_trap();
  return 0;
}

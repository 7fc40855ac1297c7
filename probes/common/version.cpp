#include "probes/common/version.h"

#include <algorithm>
#include <limits>

#include "platform/text.h"

namespace preflight {
namespace {

bool IsSeparator(char c) { return c == '.' || c == '-' || c == '_' || c == '+' || c == '~'; }

}  // namespace

std::vector<std::uint64_t> VersionComponents(std::string_view version) {
  while (!version.empty() && (version.front() == ' ' || version.front() == '\t')) {
    version.remove_prefix(1);
  }
  std::vector<std::uint64_t> components;
  std::size_t i = 0;
  while (i < version.size() && components.size() < kMaxVersionComponents) {
    if (!IsDigit(version[i])) break;
    std::uint64_t value = 0;
    constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
    while (i < version.size() && IsDigit(version[i])) {
      const auto digit = static_cast<std::uint64_t>(version[i] - '0');
      value = value > (kMax - digit) / 10 ? kMax : value * 10 + digit;
      ++i;
    }
    components.push_back(value);
    if (i >= version.size() || !IsSeparator(version[i])) break;
    ++i;
  }
  return components;
}

int CompareVersions(std::string_view a, std::string_view b) {
  const std::vector<std::uint64_t> left = VersionComponents(a);
  const std::vector<std::uint64_t> right = VersionComponents(b);
  const std::size_t n = std::max(left.size(), right.size());
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t l = i < left.size() ? left[i] : 0;
    const std::uint64_t r = i < right.size() ? right[i] : 0;
    if (l != r) return l < r ? -1 : 1;
  }
  return 0;
}

std::vector<std::uint64_t> VersionPrefix(std::string_view version, std::size_t count) {
  std::vector<std::uint64_t> components = VersionComponents(version);
  if (components.size() > count) components.resize(count);
  return components;
}

}  // namespace preflight

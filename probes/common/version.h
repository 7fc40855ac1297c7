#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace preflight {

// The leading numeric components of a version string: "3.10.0-1160.el7.x86_64" -> {3, 10, 0, 1160}.
// Components are separated by '.', '-', '_', '+' or '~'. Reading stops at the first component that
// does not start with a digit ("el7"), and right after a component with a non-digit tail
// ("1160el7" -> 1160). Values saturate instead of overflowing; at most kMaxVersionComponents are
// kept. Pure; never throws.
std::vector<std::uint64_t> VersionComponents(std::string_view version);

// Bounds the work on hostile input; no real version has more than a dozen components.
inline constexpr std::size_t kMaxVersionComponents = 16;

// Negative, zero or positive as `a` is older than, equal to or newer than `b`, comparing
// VersionComponents numerically. Missing components count as 0, so "4.18.0-425" equals
// "4.18.0-425.0" and is older than "4.18.0-425.3.1". Text without a leading number compares as 0.
int CompareVersions(std::string_view a, std::string_view b);

// The first `count` components of `version` (fewer when it has fewer).
std::vector<std::uint64_t> VersionPrefix(std::string_view version, std::size_t count);

}  // namespace preflight

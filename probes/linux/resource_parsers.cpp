#include "probes/linux/resource_parsers.h"

#include <limits>

#include "platform/text.h"

namespace preflight {
namespace {

// A whole decimal number, saturating; nullopt for empty or non-digit text.
std::optional<std::uint64_t> Number(std::string_view s) {
  if (s.empty()) return std::nullopt;
  std::uint64_t value = 0;
  constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
  for (const char c : s) {
    if (!IsDigit(c)) return std::nullopt;
    const auto digit = static_cast<std::uint64_t>(c - '0');
    value = value > (kMax - digit) / 10 ? kMax : value * 10 + digit;
  }
  return value;
}

// "2.36" from the start of s; at least major.minor, digits and dots only.
std::optional<std::string> DottedVersion(std::string_view s) {
  std::size_t end = 0;
  while (end < s.size() && end < 32 && (IsDigit(s[end]) || s[end] == '.')) ++end;
  std::string_view version = s.substr(0, end);
  while (!version.empty() && version.back() == '.') version.remove_suffix(1);
  const std::size_t dot = version.find('.');
  if (dot == 0 || dot == std::string_view::npos || dot + 1 >= version.size()) return std::nullopt;
  return std::string(version);
}

}  // namespace

std::optional<std::uint64_t> MeminfoKib(std::string_view text, std::string_view key) {
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    const std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || line.substr(0, colon) != key) continue;
    std::string_view value = Trim(line.substr(colon + 1), kLineWhitespace);
    if (value.size() >= 2 && value.substr(value.size() - 2) == "kB") {
      value = Trim(value.substr(0, value.size() - 2), kLineWhitespace);
    }
    return Number(value);
  }
  return std::nullopt;
}

std::optional<std::uint64_t> CountCpuList(std::string_view text) {
  text = Trim(text, kLineWhitespace);
  if (text.empty()) return std::nullopt;
  constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
  std::uint64_t count = 0;
  // Saturates: a hostile list cannot wrap the count around to a small number.
  const auto add = [&](std::uint64_t n) { count = n > kMax - count ? kMax : count + n; };
  while (true) {
    const std::size_t comma = text.find(',');
    const std::string_view item = text.substr(0, comma);
    const std::size_t dash = item.find('-');
    if (dash == std::string_view::npos) {
      if (!Number(item)) return std::nullopt;
      add(1);
    } else {
      const auto first = Number(item.substr(0, dash));
      const auto last = Number(item.substr(dash + 1));
      if (!first || !last || *last < *first) return std::nullopt;
      add(*last - *first);
      add(1);
    }
    if (comma == std::string_view::npos) break;
    text = text.substr(comma + 1);
  }
  return count;
}

std::uint64_t CountCpuinfoProcessors(std::string_view text) {
  std::uint64_t count = 0;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    const std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos ||
        Trim(line.substr(0, colon), kLineWhitespace) != "processor")
      continue;
    if (Number(Trim(line.substr(colon + 1), kLineWhitespace))) ++count;
  }
  return count;
}

std::optional<std::string> GlibcVersionFromBinary(std::string_view bytes) {
  constexpr std::string_view kBanner = "GNU C Library";
  constexpr std::string_view kVersion = "version ";
  // The banner is one line of about 80 characters; look no further than that for the version.
  constexpr std::size_t kBannerWindow = 200;
  std::size_t at = 0;
  while ((at = bytes.find(kBanner, at)) != std::string_view::npos) {
    std::string_view window = bytes.substr(at, kBannerWindow);
    window = window.substr(0, window.find('\n'));
    const std::size_t version = window.find(kVersion);
    if (version != std::string_view::npos) {
      if (auto parsed = DottedVersion(window.substr(version + kVersion.size()))) return parsed;
    }
    at += kBanner.size();
  }
  return std::nullopt;
}

std::optional<std::string> GlibcVersionFromFileName(std::string_view name) {
  constexpr std::string_view kPrefix = "libc-";
  constexpr std::string_view kSuffix = ".so";
  if (name.size() <= kPrefix.size() + kSuffix.size() || name.substr(0, kPrefix.size()) != kPrefix ||
      name.substr(name.size() - kSuffix.size()) != kSuffix) {
    return std::nullopt;
  }
  const std::string_view middle =
      name.substr(kPrefix.size(), name.size() - kPrefix.size() - kSuffix.size());
  auto version = DottedVersion(middle);
  if (!version || version->size() != middle.size()) return std::nullopt;
  return version;
}

}  // namespace preflight

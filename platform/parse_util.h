#pragma once

// Small text helpers shared by the HTTP and URL parsers (ASCII only, no locale, never throw).
// Internal to platform/: not part of any interface.

#include <cstddef>
#include <string>
#include <string_view>

#include "platform/text.h"

namespace preflight::parse {

using preflight::IsDigit;
using preflight::ToLower;

inline bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
inline char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

inline bool EqualsNoCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (Lower(a[i]) != Lower(b[i])) return false;
  }
  return true;
}

inline std::string_view TrimOws(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Between min_count and max_count digits; callers keep max_count small enough for an int.
inline bool ReadDigits(std::string_view& s, std::size_t min_count, std::size_t max_count,
                       int& out) {
  std::size_t n = 0;
  int value = 0;
  while (n < s.size() && n < max_count && IsDigit(s[n])) value = value * 10 + (s[n++] - '0');
  if (n < min_count) return false;
  s.remove_prefix(n);
  out = value;
  return true;
}

inline std::string_view ReadAlpha(std::string_view& s) {
  std::size_t n = 0;
  while (n < s.size() && IsAlpha(s[n])) ++n;
  const std::string_view word = s.substr(0, n);
  s.remove_prefix(n);
  return word;
}

inline bool Eat(std::string_view& s, char c) {
  if (s.empty() || s.front() != c) return false;
  s.remove_prefix(1);
  return true;
}

// One or more spaces (asctime pads single-digit days with a second space).
inline bool EatSpaces(std::string_view& s) {
  if (!Eat(s, ' ')) return false;
  while (Eat(s, ' ')) {
  }
  return true;
}

}  // namespace preflight::parse

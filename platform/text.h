#pragma once

// Small text helpers shared by the parsers, checks and the agent. ASCII only and independent of
// the C locale, so a parser gives the same answer on every host; no OS headers; never throw
// (beyond std::bad_alloc from building a std::string).

#include <string>
#include <string_view>
#include <vector>

namespace preflight {

// Exactly the characters std::isspace accepts in the "C" locale.
inline constexpr std::string_view kWhitespace = " \t\n\v\f\r";
// Line-oriented parsers trim only these (not \v or \f): a \v or \f in the text stays visible.
inline constexpr std::string_view kLineWhitespace = " \t\r\n";

inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Separates fields within one line; \r is included for files with DOS line ends.
inline bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

// The views returned point into `s` (an empty result too), as the hand-written loops did.
inline std::string_view TrimLeft(std::string_view s, std::string_view chars = kWhitespace) {
  while (!s.empty() && chars.find(s.front()) != std::string_view::npos) s.remove_prefix(1);
  return s;
}

inline std::string_view TrimRight(std::string_view s, std::string_view chars = kWhitespace) {
  while (!s.empty() && chars.find(s.back()) != std::string_view::npos) s.remove_suffix(1);
  return s;
}

inline std::string_view Trim(std::string_view s, std::string_view chars = kWhitespace) {
  return TrimRight(TrimLeft(s, chars), chars);
}

inline std::string ToLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// A separator is written only once the output is non-empty, so empty leading items leave no
// stray separator at the start (the behaviour every former copy had).
inline std::string Join(const std::vector<std::string>& items, std::string_view separator = ", ") {
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) out += separator;
    out += item;
  }
  return out;
}

}  // namespace preflight

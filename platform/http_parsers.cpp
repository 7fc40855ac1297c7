#include "platform/http_parsers.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>

namespace preflight {
namespace {

using std::chrono::milliseconds;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsNoCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (Lower(a[i]) != Lower(b[i])) return false;
  }
  return true;
}

std::string_view TrimOws(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string ToLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = Lower(c);
  return out;
}

// A non-negative decimal with an optional fraction, scaled by 10^scale_digits and truncated;
// saturates at `cap`. A leading '-' gives 0 (a server asking to wait a negative time means "now").
std::optional<std::int64_t> ParseScaledDecimal(std::string_view s, int scale_digits,
                                               std::int64_t cap) {
  s = TrimOws(s);
  bool negative = false;
  if (!s.empty() && s.front() == '-') {
    negative = true;
    s.remove_prefix(1);
  }
  std::size_t i = 0;
  std::int64_t value = 0;
  while (i < s.size() && IsDigit(s[i])) {
    if (value <= cap) value = value * 10 + (s[i] - '0');  // value <= cap keeps this far from 2^63
    ++i;
  }
  if (i == 0) return std::nullopt;
  int fraction_digits = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    const std::size_t first = i;
    while (i < s.size() && IsDigit(s[i])) {
      if (fraction_digits < scale_digits && value <= cap) {
        value = value * 10 + (s[i] - '0');
        ++fraction_digits;
      }
      ++i;
    }
    if (i == first) return std::nullopt;
  }
  if (i != s.size()) return std::nullopt;
  for (; fraction_digits < scale_digits && value <= cap; ++fraction_digits) value *= 10;
  if (negative) return 0;
  return value > cap ? cap : value;
}

// A fixed-length run of digits.
bool ReadDigits(std::string_view& s, std::size_t min_count, std::size_t max_count, int& out) {
  std::size_t n = 0;
  int value = 0;
  while (n < s.size() && n < max_count && IsDigit(s[n])) value = value * 10 + (s[n++] - '0');
  if (n < min_count) return false;
  s.remove_prefix(n);
  out = value;
  return true;
}

std::string_view ReadAlpha(std::string_view& s) {
  std::size_t n = 0;
  while (n < s.size() && IsAlpha(s[n])) ++n;
  const std::string_view word = s.substr(0, n);
  s.remove_prefix(n);
  return word;
}

bool Eat(std::string_view& s, char c) {
  if (s.empty() || s.front() != c) return false;
  s.remove_prefix(1);
  return true;
}

// One or more spaces (asctime pads single-digit days with a second space).
bool EatSpaces(std::string_view& s) {
  if (!Eat(s, ' ')) return false;
  while (Eat(s, ' ')) {
  }
  return true;
}

bool IsDayName(std::string_view word) {
  static constexpr std::array<std::string_view, 14> kNames = {
      "mon",    "tue",     "wed",       "thu",      "fri",    "sat",      "sun",
      "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"};
  for (const std::string_view name : kNames) {
    if (EqualsNoCase(word, name)) return true;
  }
  return false;
}

int MonthNumber(std::string_view word) {
  static constexpr std::array<std::string_view, 12> kMonths = {
      "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};
  for (std::size_t i = 0; i < kMonths.size(); ++i) {
    if (EqualsNoCase(word, kMonths[i])) return static_cast<int>(i) + 1;
  }
  return 0;
}

bool ReadTimeOfDay(std::string_view& s, int& h, int& m, int& sec) {
  return ReadDigits(s, 2, 2, h) && Eat(s, ':') && ReadDigits(s, 2, 2, m) && Eat(s, ':') &&
         ReadDigits(s, 2, 2, sec) && h <= 23 && m <= 59 && sec <= 60;  // 60: leap second
}

bool ParseIpv4(std::string_view s, std::array<std::uint8_t, 4>& out) {
  for (std::size_t part = 0; part < 4; ++part) {
    if (part > 0 && !Eat(s, '.')) return false;
    const std::string_view rest = s;
    int value = 0;
    if (!ReadDigits(s, 1, 3, value) || value > 255) return false;
    const std::size_t used = rest.size() - s.size();
    if (used > 1 && rest.front() == '0') return false;  // "010" is octal to inet_aton: refuse
    out[part] = static_cast<std::uint8_t>(value);
  }
  return s.empty();
}

int HexValue(char c) {
  if (IsDigit(c)) return c - '0';
  const char l = Lower(c);
  return (l >= 'a' && l <= 'f') ? l - 'a' + 10 : -1;
}

// RFC 4291 §2.2 text forms: eight groups, one "::", an IPv4 tail. No zone id.
bool ParseIpv6(std::string_view s, std::array<std::uint16_t, 8>& words) {
  words = {};
  std::size_t n = 0;
  int gap = -1;
  if (s.substr(0, 2) == "::") {
    gap = 0;
    s.remove_prefix(2);
  }
  while (!s.empty()) {
    if (n >= 8) return false;
    const std::size_t colon = s.find(':');
    const std::string_view group = s.substr(0, colon);
    if (group.find('.') != std::string_view::npos) {
      std::array<std::uint8_t, 4> v4{};
      if (colon != std::string_view::npos || n > 6 || !ParseIpv4(group, v4)) return false;
      words[n++] = static_cast<std::uint16_t>(v4[0] << 8 | v4[1]);
      words[n++] = static_cast<std::uint16_t>(v4[2] << 8 | v4[3]);
      s = {};
      break;
    }
    if (group.empty() || group.size() > 4) return false;
    int value = 0;
    for (const char c : group) {
      const int h = HexValue(c);
      if (h < 0) return false;
      value = value * 16 + h;
    }
    words[n++] = static_cast<std::uint16_t>(value);
    if (colon == std::string_view::npos) break;
    s.remove_prefix(colon + 1);
    if (!s.empty() && s.front() == ':') {
      if (gap >= 0) return false;
      gap = static_cast<int>(n);
      s.remove_prefix(1);
    } else if (s.empty()) {
      return false;  // a lone trailing ':'
    }
  }
  if (gap < 0) return n == 8;
  if (n >= 8) return false;  // "::" must stand for at least one group
  const std::size_t tail = n - static_cast<std::size_t>(gap);
  for (std::size_t i = 0; i < tail; ++i) {
    words[7 - i] = words[n - 1 - i];
    words[n - 1 - i] = 0;
  }
  return true;
}

bool IsHostChar(char c) {
  return IsAlpha(c) || IsDigit(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

}  // namespace

const std::string* FindHeader(const HttpHeaders& headers, std::string_view name) {
  for (const auto& [key, value] : headers) {
    if (EqualsNoCase(key, name)) return &value;
  }
  return nullptr;
}

std::optional<std::chrono::sys_seconds> ParseHttpDate(std::string_view text,
                                                      std::chrono::system_clock::time_point now) {
  using namespace std::chrono;
  std::string_view s = TrimOws(text);
  if (!IsDayName(ReadAlpha(s))) return std::nullopt;
  int day = 0, month = 0, year = 0, h = 0, m = 0, sec = 0;
  if (Eat(s, ',')) {
    if (!EatSpaces(s) || !ReadDigits(s, 1, 2, day)) return std::nullopt;
    if (Eat(s, '-')) {  // RFC 850: Sunday, 06-Nov-94 08:49:37 GMT
      month = MonthNumber(ReadAlpha(s));
      if (!Eat(s, '-') || !ReadDigits(s, 2, 4, year)) return std::nullopt;
      if (year < 100) {
        // RFC 9110 §5.6.7: a two-digit year more than 50 years ahead is in the past century.
        const int this_year = static_cast<int>(year_month_day(floor<days>(now)).year());
        year += this_year - this_year % 100;
        if (year > this_year + 50) year -= 100;
      }
    } else {  // IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT
      if (!EatSpaces(s)) return std::nullopt;
      month = MonthNumber(ReadAlpha(s));
      if (!EatSpaces(s) || !ReadDigits(s, 4, 4, year)) return std::nullopt;
    }
    if (!EatSpaces(s) || !ReadTimeOfDay(s, h, m, sec) || !EatSpaces(s)) return std::nullopt;
    if (!EqualsNoCase(ReadAlpha(s), "GMT")) return std::nullopt;
  } else {  // asctime: Sun Nov  6 08:49:37 1994
    if (!EatSpaces(s)) return std::nullopt;
    month = MonthNumber(ReadAlpha(s));
    if (!EatSpaces(s) || !ReadDigits(s, 1, 2, day) || !EatSpaces(s) ||
        !ReadTimeOfDay(s, h, m, sec) || !EatSpaces(s) || !ReadDigits(s, 4, 4, year)) {
      return std::nullopt;
    }
  }
  if (!TrimOws(s).empty() || month == 0) return std::nullopt;
  const year_month_day date{std::chrono::year(year),
                            std::chrono::month(static_cast<unsigned>(month)),
                            std::chrono::day(static_cast<unsigned>(day))};
  if (!date.ok()) return std::nullopt;
  return sys_days(date) + hours(h) + minutes(m) + seconds(sec);
}

std::optional<milliseconds> ParseRetryAfter(const HttpHeaders& headers,
                                            std::chrono::system_clock::time_point now) {
  const std::int64_t cap_ms = kMaxRetryAfter.count();
  for (const std::string_view name : {"retry-after-ms", "x-ms-retry-after-ms"}) {
    if (const std::string* value = FindHeader(headers, name)) {
      if (auto ms = ParseScaledDecimal(*value, 0, cap_ms)) return milliseconds(*ms);
    }
  }
  const std::string* value = FindHeader(headers, "retry-after");
  if (value == nullptr) return std::nullopt;
  // Decimal seconds are not in RFC 9110's grammar, but azure-core (Python) accepts them.
  if (auto ms = ParseScaledDecimal(*value, 3, cap_ms)) return milliseconds(*ms);
  const auto date = ParseHttpDate(*value, now);
  if (!date) return std::nullopt;
  // Both sides as milliseconds since the epoch: year 9999 is ~2.5e14 ms, far from overflow.
  const std::int64_t date_ms = date->time_since_epoch().count() * 1000;
  const std::int64_t now_ms =
      std::chrono::duration_cast<milliseconds>(now.time_since_epoch()).count();
  if (date_ms <= now_ms) return milliseconds(0);
  const std::int64_t delta = date_ms - now_ms;
  return milliseconds(delta > cap_ms ? cap_ms : delta);
}

std::optional<ParsedUrl> ParseUrl(std::string_view url) {
  for (const char c : url) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f || c == '\\') return std::nullopt;
  }
  const std::size_t colon = url.find(':');
  if (colon == std::string_view::npos || colon == 0 || !IsAlpha(url[0])) return std::nullopt;
  ParsedUrl out;
  for (const char c : url.substr(0, colon)) {
    if (!IsAlpha(c) && !IsDigit(c) && c != '+' && c != '-' && c != '.') return std::nullopt;
  }
  out.scheme = ToLower(url.substr(0, colon));
  std::string_view rest = url.substr(colon + 1);
  if (rest.substr(0, 2) != "//") return std::nullopt;
  rest.remove_prefix(2);
  const std::size_t authority_end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, authority_end);
  rest = authority_end == std::string_view::npos ? std::string_view() : rest.substr(authority_end);
  if (authority.find('@') != std::string_view::npos) return std::nullopt;

  std::string_view port_text;
  bool has_port = false;
  if (!authority.empty() && authority.front() == '[') {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    std::array<std::uint16_t, 8> words{};
    const std::string_view literal = authority.substr(1, close - 1);
    if (!ParseIpv6(literal, words)) return std::nullopt;
    out.host = ToLower(literal);
    out.ipv6 = true;
    authority.remove_prefix(close + 1);
    if (!authority.empty()) {
      if (authority.front() != ':') return std::nullopt;
      has_port = true;
      port_text = authority.substr(1);
    }
  } else {
    const std::size_t port_colon = authority.find(':');
    const std::string_view host = authority.substr(0, port_colon);
    if (host.empty()) return std::nullopt;
    for (const char c : host) {
      if (!IsHostChar(c)) return std::nullopt;
    }
    out.host = ToLower(host);
    if (port_colon != std::string_view::npos) {
      has_port = true;
      port_text = authority.substr(port_colon + 1);
    }
  }
  if (has_port) {
    int port = 0;
    std::string_view digits = port_text;
    if (!ReadDigits(digits, 1, 5, port) || !digits.empty() || port < 1 || port > 65535) {
      return std::nullopt;
    }
    out.port = static_cast<std::uint16_t>(port);
  } else if (out.scheme == "http") {
    out.port = 80;
  } else if (out.scheme == "https") {
    out.port = 443;
  }

  rest = rest.substr(0, rest.find('#'));
  const std::size_t question = rest.find('?');
  out.path = std::string(rest.substr(0, question));
  if (out.path.empty()) out.path = "/";
  if (question != std::string_view::npos) out.query = std::string(rest.substr(question + 1));
  return out;
}

bool IsLoopbackHost(std::string_view host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (EqualsNoCase(host, "localhost")) return true;
  if (host.find(':') != std::string_view::npos) {
    std::array<std::uint16_t, 8> w{};
    if (!ParseIpv6(host, w)) return false;
    const bool zero_prefix = w[0] == 0 && w[1] == 0 && w[2] == 0 && w[3] == 0 && w[4] == 0;
    if (zero_prefix && w[5] == 0 && w[6] == 0 && w[7] == 1) return true;  // ::1
    return zero_prefix && w[5] == 0xffff && (w[6] >> 8) == 127;           // ::ffff:127.x.x.x
  }
  std::array<std::uint8_t, 4> v4{};
  return ParseIpv4(host, v4) && v4[0] == 127;
}

bool BearerAllowed(std::string_view url) {
  const auto parsed = ParseUrl(url);
  if (!parsed) return false;
  if (parsed->scheme == "https") return true;
  return parsed->scheme == "http" && IsLoopbackHost(parsed->host);
}

std::string RedactUrl(std::string_view url) {
  url = url.substr(0, url.find_first_of("?#"));
  std::string out(url);
  const std::size_t scheme_end = out.find("://");
  if (scheme_end == std::string::npos) return out;
  const std::size_t authority = scheme_end + 3;
  const std::size_t authority_end = std::min(out.find('/', authority), out.size());
  const std::size_t at = out.rfind('@', authority_end == 0 ? 0 : authority_end - 1);
  if (at != std::string::npos && at >= authority) out.erase(authority, at + 1 - authority);
  return out;
}

std::optional<std::string> ParseWwwAuthenticate(std::string_view header) {
  // Longer than any path the OS would open (Linux PATH_MAX is 4096, include/uapi/linux/limits.h).
  constexpr std::size_t kMaxRealm = 4096;
  std::string_view s = TrimOws(header);
  if (!EqualsNoCase(ReadAlpha(s), "basic")) return std::nullopt;
  const std::size_t before = s.size();
  s = TrimOws(s);
  if (s.size() == before) return std::nullopt;  // "Basic" must be followed by whitespace
  if (!EqualsNoCase(ReadAlpha(s), "realm")) return std::nullopt;
  s = TrimOws(s);
  if (!Eat(s, '=')) return std::nullopt;
  s = TrimOws(s);
  std::string realm;
  if (Eat(s, '"')) {  // quoted-string, RFC 9110 §5.6.4
    bool closed = false;
    while (!s.empty()) {
      char c = s.front();
      s.remove_prefix(1);
      if (c == '"') {
        closed = true;
        break;
      }
      if (c == '\\') {
        if (s.empty()) return std::nullopt;
        c = s.front();
        s.remove_prefix(1);
      }
      realm.push_back(c);
    }
    s = TrimOws(s);
    if (!closed || (!s.empty() && s.front() != ',')) return std::nullopt;
  } else {
    // Unquoted, as HIMDS sends it: the rest of the header is the path (a path may hold ',').
    realm = std::string(s);
  }
  if (realm.empty() || realm.size() > kMaxRealm) return std::nullopt;
  for (const char c : realm) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) return std::nullopt;
  }
  return realm;
}

}  // namespace preflight

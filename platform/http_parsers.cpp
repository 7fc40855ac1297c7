#include "platform/http_parsers.h"

#include <algorithm>
#include <array>
#include <cstdint>

#include "platform/parse_util.h"

namespace preflight {
namespace {

using namespace parse;
using std::chrono::milliseconds;

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

}  // namespace

const std::string* FindHeader(const HttpHeaders& headers, std::string_view name) {
  for (const auto& [key, value] : headers) {
    if (EqualsNoCase(key, name)) return &value;
  }
  return nullptr;
}

void AddResponseHeaderLine(HttpHeaders& headers, std::string_view line) {
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.remove_suffix(1);
  if (line.substr(0, 5) == "HTTP/") {
    headers.clear();
    return;
  }
  if (!line.empty() && (line.front() == ' ' || line.front() == '\t')) {
    const std::string_view more = TrimOws(line);
    if (!headers.empty() && !more.empty()) headers.back().second.append(" ").append(more);
    return;
  }
  const std::size_t colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) return;
  headers.emplace_back(std::string(line.substr(0, colon)),
                       std::string(TrimOws(line.substr(colon + 1))));
}

HttpHeaders ParseResponseHeaderBlock(std::string_view raw) {
  HttpHeaders headers;
  while (!raw.empty()) {
    const std::size_t end = raw.find("\r\n");
    AddResponseHeaderLine(headers, raw.substr(0, end));
    raw.remove_prefix(end == std::string_view::npos ? raw.size() : end + 2);
  }
  return headers;
}

std::optional<unsigned long long> ParseContentLength(std::string_view value) {
  // 19 digits stay below 2^64 (1.8e19), so the sum below cannot overflow.
  if (value.empty() || value.size() > 19) return std::nullopt;
  unsigned long long length = 0;
  for (const char c : value) {
    if (!IsDigit(c)) return std::nullopt;
    length = length * 10 + static_cast<unsigned long long>(c - '0');
  }
  return length;
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

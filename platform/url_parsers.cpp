// URL and host parsing from platform/http_parsers.h: what decides where a token may go.

#include "platform/http_parsers.h"

#include <algorithm>
#include <array>
#include <cstdint>

#include "platform/parse_util.h"

namespace preflight {
namespace {

using namespace parse;

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

}  // namespace preflight

#include "probes/linux/fanotify/fanotify_scan_text.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <vector>

namespace preflight {
namespace {

constexpr std::string_view kRedacted = "***";

// Option names whose values are credentials often enough that a report must not carry them.
bool LooksSecret(std::string_view name) {
  static constexpr std::string_view kWords[] = {"pass", "pwd",        "secret", "token",
                                                "key",  "credential", "auth",   "cookie"};
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return std::any_of(std::begin(kWords), std::end(kWords),
                     [&](std::string_view word) { return lower.find(word) != std::string::npos; });
}

// "scheme://user:password@host/..." -> "scheme://***@host/...".
std::string RedactUrlCredentials(std::string arg) {
  const std::size_t scheme = arg.find("://");
  if (scheme == std::string::npos) return arg;
  const std::size_t start = scheme + 3;
  const std::size_t slash = arg.find('/', start);
  const std::size_t at = arg.rfind('@', slash == std::string::npos ? arg.size() : slash);
  if (at == std::string::npos || at < start) return arg;
  return arg.substr(0, start) + std::string(kRedacted) + arg.substr(at);
}

// Length of the valid UTF-8 sequence at s[i], or 0 (RFC 3629, section 4).
std::size_t Utf8Length(std::string_view s, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = byte(i);
  std::size_t length = 0;
  unsigned char low = 0x80;
  unsigned char high = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) {
    length = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    length = 3;
    if (c == 0xE0) low = 0xA0;
    if (c == 0xED) high = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    length = 4;
    if (c == 0xF0) low = 0x90;
    if (c == 0xF4) high = 0x8F;
  } else {
    return 0;
  }
  if (i + length > s.size()) return 0;
  if (byte(i + 1) < low || byte(i + 1) > high) return 0;
  for (std::size_t k = 2; k < length; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  }
  return length;
}

}  // namespace

std::string ReportText(std::string_view raw, std::size_t max_chars) {
  std::string out;
  out.reserve(std::min(raw.size(), max_chars));
  for (std::size_t i = 0; i < raw.size();) {
    const auto c = static_cast<unsigned char>(raw[i]);
    std::size_t length = 1;
    if (c >= 0x80) length = std::max<std::size_t>(Utf8Length(raw, i), 1);
    if (out.size() + length > max_chars) {
      out += "...";
      break;
    }
    if (c < 0x20 || c == 0x7F || (c >= 0x80 && Utf8Length(raw, i) == 0)) {
      out.push_back('?');
    } else {
      out.append(raw.substr(i, length));
    }
    i += length;
  }
  return out;
}

std::string FormatCmdline(std::string_view raw, std::size_t max_chars) {
  std::vector<std::string> args;
  while (!raw.empty()) {
    const std::size_t nul = raw.find('\0');
    args.emplace_back(raw.substr(0, nul));
    raw = nul == std::string_view::npos ? std::string_view() : raw.substr(nul + 1);
  }
  std::string line;
  bool redact_next = false;
  for (std::string& arg : args) {
    if (redact_next) {
      arg = std::string(kRedacted);
      redact_next = false;
    } else if (const std::size_t eq = arg.find('='); eq != std::string::npos) {
      if (LooksSecret(std::string_view(arg).substr(0, eq))) {
        arg = arg.substr(0, eq + 1) + std::string(kRedacted);
      }
    } else if (!arg.empty() && arg.front() == '-' && LooksSecret(arg)) {
      redact_next = true;
    }
    arg = RedactUrlCredentials(std::move(arg));
    if (!line.empty()) line.push_back(' ');
    line += arg;
  }
  return ReportText(line, max_chars);
}

std::optional<std::uint32_t> ParseStatusUid(std::string_view status) {
  constexpr std::string_view kKey = "Uid:";
  while (!status.empty()) {
    const std::size_t end = status.find('\n');
    std::string_view line = status.substr(0, end);
    status = end == std::string_view::npos ? std::string_view() : status.substr(end + 1);
    if (line.substr(0, kKey.size()) != kKey) continue;
    line.remove_prefix(kKey.size());
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    std::uint32_t uid = 0;
    const auto [ptr, ec] = std::from_chars(line.data(), line.data() + line.size(), uid);
    if (ec != std::errc() || ptr == line.data()) return std::nullopt;
    if (ptr != line.data() + line.size() && *ptr != '\t' && *ptr != ' ') return std::nullopt;
    return uid;
  }
  return std::nullopt;
}

std::optional<std::string> ProcHidepid(std::string_view mounts) {
  std::optional<std::string> hidepid;
  while (!mounts.empty()) {
    const std::size_t end = mounts.find('\n');
    const std::string_view line = mounts.substr(0, end);
    mounts = end == std::string_view::npos ? std::string_view() : mounts.substr(end + 1);
    std::vector<std::string_view> fields;
    for (std::size_t i = 0; i < line.size() && fields.size() < 4;) {
      while (i < line.size() && line[i] == ' ') ++i;
      const std::size_t start = i;
      while (i < line.size() && line[i] != ' ') ++i;
      if (i > start) fields.push_back(line.substr(start, i - start));
    }
    if (fields.size() < 4 || fields[1] != "/proc" || fields[2] != "proc") continue;
    // A later mount at /proc hides the earlier one, so the last line wins.
    hidepid.reset();
    std::string_view options = fields[3];
    while (!options.empty()) {
      const std::size_t comma = options.find(',');
      const std::string_view option = options.substr(0, comma);
      options = comma == std::string_view::npos ? std::string_view() : options.substr(comma + 1);
      if (option.substr(0, 8) == "hidepid=") hidepid = std::string(option.substr(8));
    }
  }
  return hidepid;
}

}  // namespace preflight

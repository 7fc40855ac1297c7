#include "probes/common/os_release.h"

#include <cctype>

#include "platform/text.h"

namespace preflight {
namespace {

// os-release values follow shell quoting: "double" (with \" \\ \$ \` escapes), 'single', or bare.
std::string Unquote(std::string_view value) {
  if (value.size() >= 2 && value.front() == '\'' && value.back() == '\'') {
    return std::string(value.substr(1, value.size() - 2));
  }
  if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
    value = value.substr(1, value.size() - 2);
    std::string out;
    out.reserve(value.size());
    for (std::size_t i = 0; i < value.size(); ++i) {
      if (value[i] == '\\' && i + 1 < value.size()) {
        const char next = value[i + 1];
        if (next == '"' || next == '\\' || next == '$' || next == '`') {
          out.push_back(next);
          ++i;
          continue;
        }
      }
      out.push_back(value[i]);
    }
    return out;
  }
  return std::string(value);
}

bool ValidKey(std::string_view key) {
  if (key.empty()) return false;
  for (const char c : key) {
    if (!(std::isupper(static_cast<unsigned char>(c)) ||
          std::isdigit(static_cast<unsigned char>(c)) || c == '_')) {
      return false;
    }
  }
  return true;
}

}  // namespace

OsRelease ParseOsRelease(std::string_view text) {
  OsRelease release;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    std::string_view line = Trim(text.substr(0, end));
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    if (line.empty() || line.front() == '#') continue;
    const std::size_t eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    const std::string_view key = Trim(line.substr(0, eq));
    if (!ValidKey(key)) continue;
    release.fields[std::string(key)] = Unquote(Trim(line.substr(eq + 1)));
  }
  const auto field = [&](const char* key) {
    const auto it = release.fields.find(key);
    return it == release.fields.end() ? std::string() : it->second;
  };
  release.id = field("ID");
  release.id_like = field("ID_LIKE");
  release.version_id = field("VERSION_ID");
  release.pretty_name = field("PRETTY_NAME");
  release.name = field("NAME");
  release.found = !release.id.empty();
  if (!release.found) release.error = "no ID= line";
  return release;
}

}  // namespace preflight

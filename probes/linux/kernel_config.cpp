#include "probes/linux/kernel_config.h"

#include "platform/text.h"

namespace preflight {
namespace {

constexpr std::string_view kPrefix = "CONFIG_";
constexpr std::string_view kNotSet = " is not set";

bool ValidName(std::string_view name) {
  if (name.size() <= kPrefix.size() || name.substr(0, kPrefix.size()) != kPrefix) return false;
  for (const char c : name) {
    const bool ok =
        (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
  }
  return true;
}

// A trailing \r (a config saved with DOS line ends) goes; a leading one is left in the line.
std::string_view TrimLine(std::string_view s) { return TrimLeft(TrimRight(s, " \t\r"), " \t"); }

}  // namespace

std::map<std::string, std::string> ParseKernelConfig(std::string_view text) {
  std::map<std::string, std::string> config;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    const std::string_view line = TrimLine(text.substr(0, end));
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    if (line.empty()) continue;
    if (line.front() == '#') {
      std::string_view rest = TrimLine(line.substr(1));
      if (rest.size() <= kNotSet.size() || rest.substr(rest.size() - kNotSet.size()) != kNotSet) {
        continue;
      }
      const std::string_view name = rest.substr(0, rest.size() - kNotSet.size());
      if (ValidName(name)) config[std::string(name)] = "n";
      continue;
    }
    const std::size_t eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    const std::string_view name = line.substr(0, eq);
    if (!ValidName(name)) continue;
    config[std::string(name)] = std::string(line.substr(eq + 1));
  }
  return config;
}

}  // namespace preflight

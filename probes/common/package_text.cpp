#include "probes/common/package_text.h"

#include <utility>

#include "platform/text.h"

namespace preflight {
namespace {

// Splits at the first run of spaces or tabs.
std::pair<std::string_view, std::string_view> SplitWord(std::string_view line) {
  const std::size_t gap = line.find_first_of(" \t");
  if (gap == std::string_view::npos) return {line, {}};
  return {line.substr(0, gap), Trim(line.substr(gap))};
}

template <class Each>
void ForEachLine(std::string_view text, Each&& each) {
  std::size_t number = 0;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    ++number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    each(number, line);
  }
}

}  // namespace

RpmQueryOutput ParseRpmQuery(std::string_view out) {
  RpmQueryOutput parsed;
  ForEachLine(out, [&](std::size_t, std::string_view line) {
    constexpr std::string_view kPrefix = "package ";
    constexpr std::string_view kSuffix = " is not installed";
    if (line.size() > kPrefix.size() + kSuffix.size() &&
        line.substr(0, kPrefix.size()) == kPrefix &&
        line.substr(line.size() - kSuffix.size()) == kSuffix) {
      parsed.not_installed.emplace_back(
          line.substr(kPrefix.size(), line.size() - kPrefix.size() - kSuffix.size()));
      return;
    }
    const std::size_t first = line.find('\t');
    if (first == std::string_view::npos || first == 0) return;
    const std::size_t second = line.find('\t', first + 1);
    if (second == std::string_view::npos || line.find('\t', second + 1) != std::string_view::npos) {
      return;
    }
    parsed.installed.push_back({std::string(line.substr(0, first)),
                                std::string(line.substr(first + 1, second - first - 1)),
                                std::string(line.substr(second + 1))});
  });
  return parsed;
}

std::optional<ConfigSetting> FindConfigSetting(std::string_view text, std::string_view name) {
  std::optional<ConfigSetting> found;
  ForEachLine(text, [&](std::size_t number, std::string_view line) {
    const std::string_view trimmed = Trim(line);
    if (trimmed.empty() || trimmed.front() == '#') return;
    const auto [option, value] = SplitWord(trimmed);
    if (option != name) return;
    found = ConfigSetting{number, std::string(value), std::string(trimmed)};
  });
  return found;
}

std::string MachineFromPackageArch(std::string_view arch) {
  // Debian's architecture names (dpkg-architecture(1), /usr/share/dpkg/cputable) and rpm's.
  constexpr std::pair<std::string_view, std::string_view> kNames[] = {
      {"amd64", "x86_64"},    {"x86_64", "x86_64"}, {"arm64", "aarch64"},   {"aarch64", "aarch64"},
      {"i386", "i686"},       {"i686", "i686"},     {"armhf", "armv7l"},    {"ppc64el", "ppc64le"},
      {"ppc64le", "ppc64le"}, {"s390x", "s390x"},   {"riscv64", "riscv64"},
  };
  for (const auto& [name, machine] : kNames) {
    if (arch == name) return std::string(machine);
  }
  return {};
}

std::string MachineFromElfHeader(std::string_view head) {
  // elf(5): e_ident starts "\x7f" "ELF"; EI_DATA (byte 5) is 1 for little-endian, 2 for
  // big-endian; e_machine is the 16-bit field at offset 18. Values from <elf.h>.
  if (head.size() < 20 || head.substr(0, 4) != std::string_view("\x7f"
                                                                "ELF",
                                                                4))
    return {};
  const auto byte = [&](std::size_t i) {
    return static_cast<unsigned>(static_cast<unsigned char>(head[i]));
  };
  const unsigned machine = byte(5) == 2 ? (byte(18) << 8) | byte(19) : byte(18) | (byte(19) << 8);
  switch (machine) {
    case 62:  // EM_X86_64
      return "x86_64";
    case 183:  // EM_AARCH64
      return "aarch64";
    case 3:  // EM_386
      return "i686";
    case 21:  // EM_PPC64
      return byte(5) == 1 ? "ppc64le" : "ppc64";
    case 22:  // EM_S390
      return "s390x";
    case 243:  // EM_RISCV
      return "riscv64";
    default:
      return {};
  }
}

}  // namespace preflight

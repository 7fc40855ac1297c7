#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace preflight {

// The `--qf` format QueryPackages gives rpm: one line per installed package, tab-separated.
inline constexpr char kRpmQueryFormat[] = "%{NAME}\\t%{VERSION}-%{RELEASE}\\t%{ARCH}\\n";

struct RpmQueryLine {
  std::string name;
  std::string version;  // "101.24082.0004-1"
  std::string arch;     // "x86_64", "noarch"
};

struct RpmQueryOutput {
  std::vector<RpmQueryLine> installed;
  std::vector<std::string> not_installed;  // from "package NAME is not installed" (rpm(8) -q)
};

// The stdout of `rpm -q --qf kRpmQueryFormat NAME...`. Lines of other shapes are ignored. Pure.
RpmQueryOutput ParseRpmQuery(std::string_view out);

// One "Name value" line of a configuration file in the clamd.conf(5) style: '#' starts a comment,
// the first run of spaces or tabs separates the option from its value.
struct ConfigSetting {
  std::size_t line_number = 0;  // 1-based
  std::string value;
  std::string line;  // the line as written, trimmed
};

// The last line that sets `name` (compared case-sensitively, as clamd does), or nullopt. Pure.
std::optional<ConfigSetting> FindConfigSetting(std::string_view text, std::string_view name);

// The uname(2) machine name ("x86_64") for a Debian architecture ("amd64") or an rpm one
// ("x86_64"); empty for "all", "noarch" and unknown names. Pure.
std::string MachineFromPackageArch(std::string_view arch);

// The uname(2) machine name for an ELF header's e_machine (from the first 20 bytes of a
// binary: elf(5)); empty when the bytes are not an ELF header or the machine is unknown. Pure.
std::string MachineFromElfHeader(std::string_view head);

}  // namespace preflight

#pragma once

#include <map>
#include <string>
#include <string_view>

namespace preflight {

// CONFIG_ name -> value from a kernel .config (/boot/config-<release>, /proc/config.gz):
// "CONFIG_FANOTIFY=y" gives "y", "CONFIG_X=\"text\"" gives "\"text\"" (quotes kept), and
// "# CONFIG_X is not set" gives "n" (scripts/kconfig/confdata.c writes exactly that line for an
// unset bool or tristate). Other lines are ignored. Pure; never throws.
std::map<std::string, std::string> ParseKernelConfig(std::string_view text);

}  // namespace preflight

#pragma once

#include <string>
#include <string_view>

namespace preflight {

// One package's entry in dpkg's status database (/var/lib/dpkg/status).
struct DpkgPackage {
  bool found = false;        // a paragraph names the package
  std::string want;          // first word of Status: "install", "deinstall", "purge", "hold"
  std::string state;         // third word: "installed", "config-files", "half-configured", ...
  std::string version;       // "101.23062.0010"
  std::string architecture;  // "amd64", "all"
  bool Installed() const { return state == "installed"; }
};

// Finds `package` in dpkg status text: deb822 paragraphs separated by blank lines, fields
// "Name: value", continuation lines indented, Status "<want> <flag> <state>" (dpkg(1), deb822(5)).
// When several paragraphs name the package (multi-arch), an installed one wins. Never throws.
DpkgPackage ParseDpkgStatus(std::string_view text, std::string_view package);

}  // namespace preflight

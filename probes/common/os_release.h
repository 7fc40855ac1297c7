#pragma once

#include <map>
#include <string>
#include <string_view>

namespace preflight {

// The fields of os-release(5) the agent uses; `fields` keeps every key that parsed.
struct OsRelease {
  std::string id;           // "ubuntu"
  std::string id_like;      // "debian"
  std::string version_id;   // "22.04"
  std::string pretty_name;  // "Ubuntu 22.04.4 LTS"
  std::string name;
  std::map<std::string, std::string> fields;
  bool found = false;  // a file was read and held at least ID
  std::string error;   // why not, when !found
};

// Parses os-release text: KEY=value lines, values optionally quoted with shell escapes
// (https://www.freedesktop.org/software/systemd/man/os-release.html). Never throws.
OsRelease ParseOsRelease(std::string_view text);

}  // namespace preflight

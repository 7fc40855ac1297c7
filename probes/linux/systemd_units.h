#pragma once

#include <string>

namespace preflight {

class FileSystem;

// A systemd unit as the inspected tree holds it, read from files only (no systemctl), so that an
// image is judged before it boots. Links are never followed out of the tree.
struct UnitFile {
  std::string path;     // the first unit file in the load path; empty when none
  bool masked = false;  // linked to /dev/null in a unit directory: it never starts
};

// systemd.unit(5) "Unit File Load Path": /etc/systemd/system first, then the vendor directories
// (/lib/systemd/system on distributions without the /usr merge).
UnitFile FindUnitFile(const FileSystem& fs, const std::string& unit);

// The link that starts `unit` at boot: <dir>/<target>.wants/<unit> or .requires/<unit>, what
// `systemctl enable` makes from [Install] WantedBy= / RequiredBy= (systemd.unit(5), "[Install]
// Section Options"); empty when the unit is not enabled.
std::string FindEnablingLink(const FileSystem& fs, const std::string& unit);

}  // namespace preflight

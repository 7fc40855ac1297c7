#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "probes/linux/fanotify/fanotify_catalog.h"
#include "probes/linux/fanotify/fanotify_scan.h"

namespace preflight {

// MDE's install directory. mde_installer.sh --install-path moves the product and leaves this
// path as a symlink to it (reference §2.1), and /proc/<pid>/exe then shows the real location.
inline constexpr std::string_view kMdatpDir = "/opt/microsoft/mdatp";

// One scanned holder with the policy applied. Pure data over the scan; no I/O.
struct ClassifiedHolder {
  const FanotifyHolder* holder = nullptr;
  const CatalogProduct* product = nullptr;
  // Some group's marks ask for permission events: the holder blocks file access now.
  bool blocking = false;
  // Some group is of the content or pre-content class, so the holder can add permission marks at
  // any time (fanotify_mark(2)); true whenever `blocking` is.
  bool can_block = false;
  // Some group could not be read whole (fdinfo cut to its tail, or unreadable) and what was read
  // shows no permission event, so whether it blocks now is unknown.
  bool blocking_unknown = false;
  Classification classification = Classification::kNotify;
};

// exe as the catalog knows it: a path under the real target of /opt/microsoft/mdatp (when that
// is a symlink, `mdatp_target`) is rewritten to the /opt/microsoft/mdatp path.
std::string CanonicalExe(std::string_view exe, std::string_view mdatp_target);

std::vector<ClassifiedHolder> ClassifyHolders(const FanotifyScan& scan,
                                              const FanotifyCatalog& catalog,
                                              std::string_view mdatp_target);

// "ClamAV on-access scanner (clamonacc), pid 812", or for unknown programs
// "foo (/usr/local/bin/foo), pid 901": what a summary sentence names.
std::string HolderLabel(const ClassifiedHolder& entry);

// The report's `fanotify_users[]` element (DESIGN.md report contract plus detail).
nlohmann::json HolderReport(const ClassifiedHolder& entry);

}  // namespace preflight

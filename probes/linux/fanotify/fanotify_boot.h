#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "probes/check.h"
#include "probes/linux/fanotify/fanotify_catalog.h"
#include "probes/linux/fanotify/fanotify_findings.h"
#include "probes/linux/fanotify/fanotify_holders.h"

namespace preflight {

// A catalogued fanotify product found installed: what starts it at boot and whether it will block.
struct BootProduct {
  const CatalogProduct* product = nullptr;
  std::string package;     // "clamav-daemon 1.4.3+dfsg-1~deb12u2"; empty when only a unit shows it
  std::string unit;        // the product's unit that was found ("clamav-clamonacc.service")
  std::string unit_file;   // where that unit file lies
  std::string enabled_by;  // the symlink that starts it ("/etc/systemd/system/x.wants/<unit>")
  bool masked = false;     // linked to /dev/null in /etc/systemd/system: never starts
  bool blocks = true;      // the product has no blocking setting, or the setting turns it on
  std::string setting;     // "/etc/clamav/clamd.conf:42: OnAccessPrevention yes", or why not
  bool running = false;    // on the live machine: it holds a group, or its unit is active
  std::string running_detail;
};

// The catalogued products installed in the inspected tree (the machine itself, or an image under
// --root): its package database, its unit files, the *.wants/ and *.requires/ links that
// systemctl enable makes (systemd.unit(5), "[Install] Section Options": WantedBy= creates a
// symlink in .wants/), and the product's blocking setting. On the live machine, whether each
// runs, from the holders found and the service manager. `evidence` gets the details.
std::vector<BootProduct> FindBootProducts(const Context& ctx, const FanotifyCatalog& catalog,
                                          const std::vector<ClassifiedHolder>& holders,
                                          nlohmann::json& evidence);

// The findings: installed, enabled and blocking is a failure in an image (it starts at boot) and a
// warning on a live machine where it is not running now; installed but not enabled is a warning;
// fapolicyd (allowed by policy) passes on RHEL and Fedora and warns elsewhere. Pure.
void AddBootFindings(const std::vector<BootProduct>& products, bool live, const OsRelease* os,
                     FanotifyFindings& findings);

}  // namespace preflight

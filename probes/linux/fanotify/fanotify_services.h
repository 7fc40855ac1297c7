#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "probes/check.h"
#include "probes/linux/fanotify/fanotify_catalog.h"
#include "probes/linux/fanotify/fanotify_scan.h"

namespace preflight {

// Where mde_installer.sh's conflicting services (reference §1.1) were seen, and how surely.
struct ServiceFinding {
  enum class Source { kServiceManager, kProcess, kUnitFile };
  ConflictingService service;
  Source source = Source::kUnitFile;
  bool active = false;       // running (service manager or a process of that name)
  bool state_known = false;  // false: only a unit file was found, so "running" is unknown
  std::string detail;        // "active (running)", "pid 4242", "/etc/systemd/system/x.service"
  // For a unit file: the link that starts it at boot (systemd_units.h), and whether the tree is
  // an image (--root), where enabled means it will run on the booted machine.
  std::string enabled_by;
  bool image = false;
};

// The installer checks `systemctl status <name>` for "Active: active". On a live host with a
// service manager this asks it; otherwise (a --root tree, a container) it looks for unit files
// (or SysV scripts) and reports them as installed with an unknown state. Processes whose comm is
// a service name (from the /proc scan) count as running either way. Only the findings worth
// reporting are returned: active services and installed ones of unknown state.
std::vector<ServiceFinding> FindConflictingServices(const Context& ctx,
                                                    const FanotifyCatalog& catalog,
                                                    const std::vector<NamedProcess>& named,
                                                    nlohmann::json& evidence);

const char* ServiceSourceName(ServiceFinding::Source source);

}  // namespace preflight

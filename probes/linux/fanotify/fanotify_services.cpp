#include "probes/linux/fanotify/fanotify_services.h"

#include "platform/file_system.h"
#include "platform/service_manager.h"

namespace preflight {
namespace {

// systemd's unit search path for system units (systemd.unit(5): /etc first, then the vendor
// directories; /lib/systemd/system on distributions without the /usr merge), and SysV scripts,
// which systemd-sysv-generator turns into units that `systemctl status` also reports.
constexpr const char* kUnitDirs[] = {"/etc/systemd/system", "/usr/lib/systemd/system",
                                     "/lib/systemd/system"};
constexpr const char* kSysvDir = "/etc/init.d";

std::optional<std::string> FindUnitFile(const FileSystem& fs, const std::string& name) {
  for (const char* dir : kUnitDirs) {
    const std::string path = std::string(dir) + "/" + name + ".service";
    if (fs.Exists(path)) return path;
  }
  const std::string sysv = std::string(kSysvDir) + "/" + name;
  if (fs.Exists(sysv)) return sysv;
  return std::nullopt;
}

}  // namespace

const char* ServiceSourceName(ServiceFinding::Source source) {
  switch (source) {
    case ServiceFinding::Source::kServiceManager:
      return "service_manager";
    case ServiceFinding::Source::kProcess:
      return "process";
    case ServiceFinding::Source::kUnitFile:
      return "unit_file";
  }
  return "unit_file";
}

std::vector<ServiceFinding> FindConflictingServices(const Context& ctx,
                                                    const FanotifyCatalog& catalog,
                                                    const std::vector<NamedProcess>& named,
                                                    nlohmann::json& evidence) {
  std::vector<ServiceFinding> findings;
  evidence = nlohmann::json::array();
  const bool use_manager = ctx.live && ctx.fs.IsLiveRoot() && ctx.services.Available();
  for (const ConflictingService& service : catalog.services) {
    nlohmann::json seen = {{"name", service.name},
                           {"checked_with", use_manager ? "service_manager" : "unit_files"}};
    bool active = false;
    for (const NamedProcess& process : named) {
      if (process.comm != service.name) continue;
      findings.push_back({service, ServiceFinding::Source::kProcess, true, true,
                          "pid " + std::to_string(process.pid)});
      seen["process_pid"] = process.pid;
      active = true;
    }
    bool state_known = false;
    if (use_manager) {
      auto status = ctx.services.Query(service.name);
      if (status.Ok()) {
        state_known = true;
        const ServiceState state = status.Value().state;
        seen["state"] = ServiceStateName(state);
        seen["detail"] = status.Value().detail;
        // The installer greps "Active: active"; activating counts too, it is about to run.
        if (!active && (state == ServiceState::kActive || state == ServiceState::kActivating)) {
          findings.push_back({service, ServiceFinding::Source::kServiceManager, true, true,
                              status.Value().detail});
          active = true;
        }
      } else {
        seen["error"] = status.Err().message;
      }
    }
    if (!state_known && !active) {
      auto unit = FindUnitFile(ctx.fs, service.name);
      if (unit)
        findings.push_back({service, ServiceFinding::Source::kUnitFile, false, false, *unit});
      seen["unit_file"] = unit ? nlohmann::json(*unit) : nlohmann::json(nullptr);
    }
    evidence.push_back(seen);
  }
  return findings;
}

}  // namespace preflight

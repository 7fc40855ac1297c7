#include "probes/linux/fanotify/fanotify_services.h"

#include "platform/file_system.h"
#include "platform/service_manager.h"
#include "probes/linux/systemd_units.h"

namespace preflight {
namespace {

// SysV scripts, which systemd-sysv-generator turns into units that `systemctl status` also
// reports.
constexpr const char* kSysvDir = "/etc/init.d";

std::optional<std::string> FindServiceFile(const FileSystem& fs, const std::string& name) {
  const UnitFile unit = FindUnitFile(fs, name + ".service");
  if (!unit.path.empty()) return unit.path;
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
      findings.push_back({service,
                          ServiceFinding::Source::kProcess,
                          true,
                          true,
                          "pid " + std::to_string(process.pid),
                          {},
                          false});
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
          findings.push_back({service,
                              ServiceFinding::Source::kServiceManager,
                              true,
                              true,
                              status.Value().detail,
                              {},
                              false});
          active = true;
        }
      } else {
        seen["error"] = status.Err().message;
      }
    }
    if (!state_known && !active) {
      auto unit = FindServiceFile(ctx.fs, service.name);
      if (unit) {
        ServiceFinding found{service, ServiceFinding::Source::kUnitFile, false, false, *unit, {},
                             false};
        found.enabled_by = FindEnablingLink(ctx.fs, service.name + ".service");
        found.image = !ctx.live || !ctx.fs.IsLiveRoot();
        if (!found.enabled_by.empty()) seen["enabled_by"] = found.enabled_by;
        findings.push_back(std::move(found));
      }
      seen["unit_file"] = unit ? nlohmann::json(*unit) : nlohmann::json(nullptr);
    }
    evidence.push_back(seen);
  }
  return findings;
}

}  // namespace preflight

#include <string>

#include "agent/host_info.h"
#include "platform/file_system.h"
#include "platform/registry.h"
#include "platform/service_manager.h"
#include "platform/system_info.h"

namespace preflight {
namespace {

// Version facts of the running Windows (the values winver and MDEClientAnalyzer read).
constexpr const char* kCurrentVersionKey = "SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion";
// A product name is a few dozen characters; 1 KiB bounds a damaged value.
constexpr std::size_t kMaxProductNameBytes = 1024;
// The Arc agent's files and service (reference/azure.md section 2.6); %ProgramFiles% is on the
// system drive, which the file system's root maps "/" to.
constexpr const char* kArcHimdsExe = "/Program Files/AzureConnectedMachineAgent/himds.exe";
constexpr const char* kArcService = "himds";

// "10.0.20348" -> "20348"
std::string BuildOf(const std::string& release) {
  const auto dot = release.find_last_of('.');
  return dot == std::string::npos ? release : release.substr(dot + 1);
}

}  // namespace

// On the running machine: the DNS host name, the architecture as uname -m names it, kernel the OS
// build as winver shows it ("20348.2113": build and update build revision), version_id
// major.minor.build ("10.0.20348"), pretty_name the registry's ProductName. Under --root the
// image's registry hives are not loaded, so only the family and id are known.
HostSummary GatherHostSummary(const Context& ctx) {
  HostSummary summary;
  summary.os_family = "windows";
  summary.os_id = "windows";
  if (!ctx.live) return summary;
  if (auto uname = ctx.system.Uname(); uname.Ok()) {
    summary.hostname = uname.Value().nodename;
    summary.arch = uname.Value().machine;
    summary.os_version_id = uname.Value().release;
    summary.kernel = BuildOf(uname.Value().release);
    // UBR exists since Windows 10; older builds have none and keep the bare build number.
    if (auto ubr = ctx.registry.ReadDword(kCurrentVersionKey, "UBR");
        ubr.Ok() && !summary.kernel.empty()) {
      summary.kernel += '.';
      summary.kernel += std::to_string(ubr.Value());
    }
  }
  // Windows 11 still says "Windows 10" here; the windows.os check judges by the build instead.
  if (auto name = ctx.registry.ReadString(kCurrentVersionKey, "ProductName", kMaxProductNameBytes);
      name.Ok()) {
    summary.os_pretty_name = name.Value();
  }
  return summary;
}

// Arc from its binary or service. An Azure VM shows itself by the SMBIOS chassis asset tag
// (reference/azure.md section 2.6), which Windows exposes only through the firmware table; that
// is not read yet, so an Azure VM without Arc reports "other" here and the report's cloud checks
// decide.
LocalCloudSigns GatherLocalCloudSigns(const Context& ctx) {
  LocalCloudSigns signs;
  if (ctx.fs.Exists(kArcHimdsExe)) {
    signs.arc.push_back(std::string("the Azure Arc agent is installed (") +
                        ctx.fs.HostPath(kArcHimdsExe) + ")");
  }
  if (ctx.live) {
    if (auto service = ctx.services.Query(kArcService);
        service.Ok() && service.Value().state != ServiceState::kNotFound) {
      signs.arc.push_back("the Azure Arc service himds is installed (" + service.Value().detail +
                          ")");
    }
  }
  return signs;
}

}  // namespace preflight

#include <string>

#include "agent/host_info.h"
#include "platform/environment.h"
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

nlohmann::json OrNull(const std::string& value) {
  return value.empty() ? nlohmann::json(nullptr) : nlohmann::json(value);
}

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
nlohmann::json CollectHost(const Context& ctx) {
  nlohmann::json host = {{"hostname", nullptr}, {"arch", nullptr}, {"kernel", nullptr}};
  nlohmann::json os = {
      {"family", "windows"}, {"id", "windows"}, {"version_id", nullptr}, {"pretty_name", nullptr}};
  if (ctx.live) {
    if (auto uname = ctx.system.Uname(); uname.Ok()) {
      host["hostname"] = OrNull(uname.Value().nodename);
      host["arch"] = OrNull(uname.Value().machine);
      os["version_id"] = OrNull(uname.Value().release);
      std::string kernel = BuildOf(uname.Value().release);
      // UBR exists since Windows 10; older builds have none and keep the bare build number.
      if (auto ubr = ctx.registry.ReadDword(kCurrentVersionKey, "UBR");
          ubr.Ok() && !kernel.empty()) {
        kernel += '.';
        kernel += std::to_string(ubr.Value());
      }
      host["kernel"] = OrNull(kernel);
    }
    // Windows 11 still says "Windows 10" here; the windows.os check judges by the build instead.
    if (auto name =
            ctx.registry.ReadString(kCurrentVersionKey, "ProductName", kMaxProductNameBytes);
        name.Ok()) {
      os["pretty_name"] = OrNull(name.Value());
    }
  }
  host["os"] = os;
  return host;
}

// Arc from its environment variables, binary or service. An Azure VM shows itself by the SMBIOS
// chassis asset tag (reference/azure.md section 2.6), which Windows exposes only through the
// firmware table; that is not read yet, so an Azure VM without Arc reports "other" here and the
// report's cloud checks decide.
nlohmann::json DetectEnvironmentLocally(const Context& ctx) {
  nlohmann::json env = {
      {"kind", "other"},           {"cloud", nullptr},       {"subscription_id", nullptr},
      {"resource_group", nullptr}, {"resource_id", nullptr}, {"vm_id", nullptr},
      {"location", nullptr},       {"confirmed", false},
  };
  nlohmann::json signs = nlohmann::json::array();
  if (ctx.live && ctx.env.Get("IDENTITY_ENDPOINT") && ctx.env.Get("IMDS_ENDPOINT")) {
    signs.push_back("IDENTITY_ENDPOINT and IMDS_ENDPOINT are set (Azure Arc)");
  }
  if (ctx.fs.Exists(kArcHimdsExe)) {
    signs.push_back(std::string("the Azure Arc agent is installed (") +
                    ctx.fs.HostPath(kArcHimdsExe) + ")");
  }
  if (ctx.live) {
    if (auto service = ctx.services.Query(kArcService);
        service.Ok() && service.Value().state != ServiceState::kNotFound) {
      signs.push_back("the Azure Arc service himds is installed (" + service.Value().detail + ")");
    }
  }
  if (!signs.empty()) env["kind"] = "azure_arc";
  env["signs"] = signs;
  return env;
}

}  // namespace preflight

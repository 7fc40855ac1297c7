#include "probes/windows/machine_proxy.h"

#include <cstddef>

#include "platform/registry.h"
#include "platform/text.h"

namespace preflight {
namespace {

constexpr const char* kConnectionsKey =
    "SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Internet Settings\\Connections";
constexpr const char* kDataCollectionKey = "SOFTWARE\\Policies\\Microsoft\\Windows\\DataCollection";
// Proxy values and the WinHttpSettings blob are small; this bounds hostile ones.
constexpr std::size_t kMaxSettingBytes = std::size_t{64} * 1024;

}  // namespace

MachineProxySettings ReadMachineProxySettings(const Registry& registry) {
  MachineProxySettings out;
  const auto raw =
      registry.ReadValue(kConnectionsKey, "WinHttpSettings", kMaxSettingBytes, RegistryView::k64);
  if (raw.Ok()) out.winhttp = ParseWinHttpSettings(raw.Value().data);
  const auto telemetry =
      registry.ReadString(kDataCollectionKey, "TelemetryProxyServer", kMaxSettingBytes);
  if (telemetry.Ok()) {
    out.telemetry_proxy = std::string(Trim(telemetry.Value()));
    const auto flag = registry.ReadDword(kDataCollectionKey, "DisableEnterpriseAuthProxy");
    if (flag.Ok()) out.disable_enterprise_auth_proxy = flag.Value();
  }
  return out;
}

}  // namespace preflight

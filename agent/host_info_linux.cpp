#include <string>
#include <string_view>

#include "agent/host_info.h"
#include "platform/file_system.h"
#include "platform/system_info.h"
#include "probes/common/facts.h"
#include "probes/linux/tree_machine.h"

namespace preflight {
namespace {

// /proc/sys/kernel/* values are one short line.
constexpr std::size_t kMaxSysctlBytes = 4096;

// Azure stamps this SMBIOS chassis asset tag on every VM (reference/azure.md section 2.6).
constexpr std::string_view kAzureAssetTag = "7783-7084-3265-9085-8269-3286-77";

// The Arc agent's binary (reference/azure.md section 2.6).
constexpr const char* kArcHimds = "/opt/azcmagent/bin/himds";

std::string FirstLine(const Context& ctx, const std::string& path) {
  auto text = ctx.fs.ReadFile(path, kMaxSysctlBytes);
  if (!text.Ok()) return {};
  std::string value = text.Value().substr(0, text.Value().find('\n'));
  while (!value.empty() && (value.back() == '\r' || value.back() == ' ')) value.pop_back();
  return value;
}

}  // namespace

HostSummary GatherHostSummary(const Context& ctx) {
  HostSummary summary;
  if (ctx.live) {
    if (auto uname = ctx.system.Uname(); uname.Ok()) {
      summary.hostname = uname.Value().nodename;
      summary.arch = uname.Value().machine;
      summary.kernel = uname.Value().release;
    }
  } else {
    summary.hostname = FirstLine(ctx, "/proc/sys/kernel/hostname");
    if (summary.hostname.empty()) summary.hostname = FirstLine(ctx, "/etc/hostname");
    summary.arch = ReadTreeMachine(ctx).machine;
    summary.kernel = FirstLine(ctx, "/proc/sys/kernel/osrelease");
  }
  const OsRelease& os = OsReleaseOf(ctx);
  summary.os_family = "linux";
  summary.os_id = os.id;
  summary.os_version_id = os.version_id;
  summary.os_pretty_name = os.pretty_name;
  return summary;
}

LocalCloudSigns GatherLocalCloudSigns(const Context& ctx) {
  LocalCloudSigns signs;
  if (ctx.fs.Exists(kArcHimds)) {
    signs.arc.push_back(std::string("the Azure Arc agent is installed (") + kArcHimds + ")");
  }
  if (FirstLine(ctx, "/sys/devices/virtual/dmi/id/chassis_asset_tag") == kAzureAssetTag) {
    signs.azure_vm.push_back("the SMBIOS chassis asset tag is Azure's");
  }
  return signs;
}

}  // namespace preflight

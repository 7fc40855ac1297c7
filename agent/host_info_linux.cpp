#include "agent/host_info.h"

#include <string>

#include "platform/environment.h"
#include "platform/file_system.h"
#include "platform/system_info.h"
#include "probes/common/facts.h"

namespace preflight {
namespace {

// /proc/sys/kernel/* values are one short line.
constexpr std::size_t kMaxSysctlBytes = 4096;

// Azure stamps this SMBIOS chassis asset tag on every VM (reference/azure.md section 2.6).
constexpr std::string_view kAzureAssetTag = "7783-7084-3265-9085-8269-3286-77";

nlohmann::json FirstLine(const Context& ctx, const std::string& path) {
  auto text = ctx.fs.ReadFile(path, kMaxSysctlBytes);
  if (!text.Ok()) return nullptr;
  std::string value = text.Value().substr(0, text.Value().find('\n'));
  while (!value.empty() && (value.back() == '\r' || value.back() == ' ')) value.pop_back();
  if (value.empty()) return nullptr;
  return value;
}

nlohmann::json OrNull(const std::string& value) {
  return value.empty() ? nlohmann::json(nullptr) : nlohmann::json(value);
}

}  // namespace

nlohmann::json CollectHost(const Context& ctx) {
  nlohmann::json host = {{"hostname", nullptr}, {"arch", nullptr}, {"kernel", nullptr}};
  if (ctx.live) {
    if (auto uname = ctx.system.Uname(); uname.Ok()) {
      host["hostname"] = OrNull(uname.Value().nodename);
      host["arch"] = OrNull(uname.Value().machine);
      host["kernel"] = OrNull(uname.Value().release);
    }
  } else {
    host["hostname"] = FirstLine(ctx, "/proc/sys/kernel/hostname");
    if (host["hostname"].is_null()) host["hostname"] = FirstLine(ctx, "/etc/hostname");
    host["arch"] = FirstLine(ctx, "/proc/sys/kernel/arch");
    host["kernel"] = FirstLine(ctx, "/proc/sys/kernel/osrelease");
  }
  const OsRelease& os = OsReleaseOf(ctx);
  host["os"] = {
      {"family", "linux"},
      {"id", OrNull(os.id)},
      {"version_id", OrNull(os.version_id)},
      {"pretty_name", OrNull(os.pretty_name)},
  };
  return host;
}

nlohmann::json DetectEnvironmentLocally(const Context& ctx) {
  nlohmann::json env = {
      {"kind", "other"},           {"cloud", nullptr},       {"subscription_id", nullptr},
      {"resource_group", nullptr}, {"resource_id", nullptr}, {"vm_id", nullptr},
      {"location", nullptr},       {"confirmed", false},
  };
  nlohmann::json signs = nlohmann::json::array();
  // Arc first: an Arc agent on an Azure VM is not supported, Compute wins there (azure.md 2.6).
  if (ctx.live && ctx.env.Get("IDENTITY_ENDPOINT") && ctx.env.Get("IMDS_ENDPOINT")) {
    signs.push_back("IDENTITY_ENDPOINT and IMDS_ENDPOINT are set (Azure Arc)");
  }
  if (ctx.fs.Exists("/opt/azcmagent/bin/himds")) {
    signs.push_back("the Azure Arc agent is installed (/opt/azcmagent/bin/himds)");
  }
  const bool arc = !signs.empty();
  const nlohmann::json tag = FirstLine(ctx, "/sys/devices/virtual/dmi/id/chassis_asset_tag");
  const bool azure_tag = tag.is_string() && tag.get<std::string>() == kAzureAssetTag;
  if (azure_tag) signs.push_back("the SMBIOS chassis asset tag is Azure's");
  if (azure_tag) {
    env["kind"] = "azure_vm";
  } else if (arc) {
    env["kind"] = "azure_arc";
  }
  env["signs"] = signs;
  return env;
}

}  // namespace preflight

#include "agent/host_info.h"

#include "platform/environment.h"

namespace preflight {
namespace {

nlohmann::json OrNull(const std::string& value) {
  return value.empty() ? nlohmann::json(nullptr) : nlohmann::json(value);
}

}  // namespace

nlohmann::json HostJson(const HostSummary& summary) {
  return {
      {"hostname", OrNull(summary.hostname)},
      {"arch", OrNull(summary.arch)},
      {"kernel", OrNull(summary.kernel)},
      {"os",
       {
           {"family", summary.os_family},
           {"id", OrNull(summary.os_id)},
           {"version_id", OrNull(summary.os_version_id)},
           {"pretty_name", OrNull(summary.os_pretty_name)},
       }},
  };
}

nlohmann::json EnvironmentJson(const LocalCloudSigns& signs) {
  nlohmann::json env = {
      {"kind", "other"},           {"cloud", nullptr},       {"subscription_id", nullptr},
      {"resource_group", nullptr}, {"resource_id", nullptr}, {"vm_id", nullptr},
      {"location", nullptr},       {"confirmed", false},
  };
  if (!signs.azure_vm.empty()) {
    env["kind"] = "azure_vm";
  } else if (!signs.arc.empty()) {
    env["kind"] = "azure_arc";
  }
  nlohmann::json all = nlohmann::json::array();
  for (const std::string& sign : signs.arc) all.push_back(sign);
  for (const std::string& sign : signs.azure_vm) all.push_back(sign);
  env["signs"] = all;
  return env;
}

nlohmann::json CollectHost(const Context& ctx) { return HostJson(GatherHostSummary(ctx)); }

nlohmann::json DetectEnvironmentLocally(const Context& ctx) {
  LocalCloudSigns signs = GatherLocalCloudSigns(ctx);
  // The Arc agent's own variables, on every OS (reference/azure.md section 2.6).
  if (ctx.live && ctx.env.Get("IDENTITY_ENDPOINT") && ctx.env.Get("IMDS_ENDPOINT")) {
    signs.arc.insert(signs.arc.begin(), "IDENTITY_ENDPOINT and IMDS_ENDPOINT are set (Azure Arc)");
  }
  return EnvironmentJson(signs);
}

}  // namespace preflight

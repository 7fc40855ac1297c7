#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "probes/check.h"

namespace preflight {

// The report's `host` object: uname on the live machine, the tree's /proc and /etc under --root.
nlohmann::json CollectHost(const Context& ctx);

// The report's `environment` object from local signs only (no network): Arc agent, Azure's
// SMBIOS asset tag. Cloud fields stay null until something confirms them.
nlohmann::json DetectEnvironmentLocally(const Context& ctx);

// What the OS part (host_info_linux.cpp, host_info_windows.cpp) reads for the `host` object; ""
// where unknown.
struct HostSummary {
  std::string hostname;
  std::string arch;
  std::string kernel;
  std::string os_family;  // "linux" or "windows"
  std::string os_id;
  std::string os_version_id;
  std::string os_pretty_name;
};
HostSummary GatherHostSummary(const Context& ctx);

// The signs of a cloud that only the OS part can read, each worded for the report.
struct LocalCloudSigns {
  std::vector<std::string> arc;       // an Azure Arc agent is installed
  std::vector<std::string> azure_vm;  // the machine is an Azure VM
};
LocalCloudSigns GatherLocalCloudSigns(const Context& ctx);

// The `host` object for this summary (unknown parts null).
nlohmann::json HostJson(const HostSummary& summary);

// The `environment` object for these signs: an Azure VM sign wins over Arc, since an Arc agent on
// an Azure VM is not supported and Compute is what the machine is (reference/azure.md 2.6);
// "other" without signs.
nlohmann::json EnvironmentJson(const LocalCloudSigns& signs);

}  // namespace preflight

#include "probes/windows/minifilters_check.h"

#include <set>
#include <string>
#include <vector>

#include "platform/registry.h"
#include "platform/text.h"
#include "probes/windows/mde_state_windows.h"
#include "probes/windows/minifilters.h"

namespace preflight {
namespace {

using Json = nlohmann::json;

// A server has tens of filters (fltmc lists 10-30); 1024 bounds a hostile enumeration.
constexpr std::size_t kMaxFilters = 1024;
// SYSTEM\CurrentControlSet\Services holds ~600-1000 services and drivers.
constexpr std::size_t kMaxServices = 8192;
constexpr std::size_t kMaxInstances = 64;
constexpr std::size_t kMaxAltitudeBytes = 256;
constexpr const char* kServicesKey = "SYSTEM\\CurrentControlSet\\Services";

struct Found {
  std::vector<Minifilter> filters;
  std::string source;  // "filter_manager" or "registry"
  std::vector<std::string> problems;
};

// Minifilter INFs register each instance's altitude under Services\<driver>\Instances\<instance>
// (windows-driver-docs ifs/creating-an-inf-file-for-a-minifilter-driver.md): configured, not
// necessarily loaded.
void ReadRegistered(const Registry& registry, Found& found) {
  const Result<RegistryNames> services =
      registry.ListSubkeys(kServicesKey, kMaxServices, RegistryView::k64);
  if (!services.Ok()) {
    found.problems.push_back(services.Err().message);
    return;
  }
  if (services.Value().truncated) found.problems.push_back("more services than were read");
  for (const std::string& service : services.Value().names) {
    const std::string instances_key = std::string(kServicesKey) + "\\" + service + "\\Instances";
    const Result<RegistryNames> instances =
        registry.ListSubkeys(instances_key, kMaxInstances, RegistryView::k64);
    if (!instances.Ok() || instances.Value().names.empty()) continue;
    // The DefaultInstance value names the instance used when none is given; else the first.
    std::string instance =
        registry.ReadString(instances_key, "DefaultInstance", kMaxAltitudeBytes).ValueOr("");
    if (instance.empty()) instance = instances.Value().names.front();
    const Result<std::string> altitude =
        registry.ReadString(instances_key + "\\" + instance, "Altitude", kMaxAltitudeBytes);
    if (!altitude.Ok()) continue;
    Minifilter filter;
    filter.name = service;
    filter.altitude = std::string(Trim(altitude.Value()));
    found.filters.push_back(std::move(filter));
    if (found.filters.size() >= kMaxFilters) break;
  }
}

Found Enumerate(const MinifilterSource& source, const Registry& registry) {
  Found found;
  const Result<std::vector<std::string>> buffers = source.Enumerate(kMaxFilters);
  if (buffers.Ok()) {
    for (const std::string& buffer : buffers.Value()) {
      MinifilterBuffer parsed = ParseFilterAggregateStandardInformation(buffer);
      if (!parsed.error.empty())
        found.problems.push_back("a filter entry is malformed: " + parsed.error);
      for (Minifilter& filter : parsed.filters) found.filters.push_back(std::move(filter));
    }
    if (!found.filters.empty()) {
      found.source = "filter_manager";
      return found;
    }
    found.problems.push_back("the Filter Manager reported no filters");
  } else {
    found.problems.push_back("the Filter Manager could not be asked: " + buffers.Err().message);
  }
  ReadRegistered(registry, found);
  found.source = "registry";
  return found;
}

bool RegistryFlag(const Registry& registry, const char* key, const char* name) {
  return registry.ReadDword(key, name).ValueOr(0) != 0;
}

}  // namespace

// Policy: no filter found at all -> warn (every Windows has some, so the list could not be read);
// another vendor's anti-virus filter -> fail, explaining passive mode, unless Defender is already
// passive or ForceDefenderPassiveMode is set (then warn, naming the product); another EDR's
// activity monitor -> warn; otherwise pass. MDE's own filters are listed, never judged.
CheckResult MinifiltersCheck::Run(const Context& ctx) const {
  CheckResult result;
  const BuiltInCatalog<MinifilterCatalog>& catalog = BuiltInWindowsMinifilterCatalog();
  Found found = Enumerate(*source_, ctx.registry);
  Json report = Json::array();
  std::vector<std::string> conflicts;
  std::vector<std::string> notifies;
  std::vector<std::string> mde;
  std::set<std::string> seen;
  for (const Minifilter& filter : found.filters) {
    if (!seen.insert(ToLower(filter.name)).second) continue;
    const CatalogDriver* driver = FindDriver(catalog.catalog, filter.name);
    const std::optional<std::string> group = AltitudeGroup(filter.altitude);
    const Classification cls = ClassifyMinifilter(driver, group);
    Json entry = {{"name", filter.name},
                  {"altitude", filter.altitude.empty() ? Json() : Json(filter.altitude)},
                  {"group", group ? Json(*group) : Json()},
                  {"classification", ClassificationName(cls)}};
    if (driver != nullptr) entry["product"] = driver->vendor + " " + driver->product;
    if (filter.legacy) entry["legacy"] = true;
    report.push_back(entry);
    const std::string label = filter.name +
                              (driver != nullptr ? " (" + driver->product + ")" : "") +
                              (filter.altitude.empty() ? "" : " at " + filter.altitude);
    if (cls == Classification::kConflict) conflicts.push_back(label);
    if (cls == Classification::kNotify) notifies.push_back(label);
    if (cls == Classification::kMde) mde.push_back(filter.name);
  }
  result.report = {{"minifilters", report}};
  result.evidence = {{"source", found.source},
                     {"count", report.size()},
                     {"problems", found.problems},
                     {"mde", mde}};
  if (!catalog.error.empty()) result.evidence["catalog_error"] = catalog.error;

  if (report.empty()) {
    result.status = Status::kWarn;
    result.summary = "No file-system filter could be listed: " + Join(found.problems, "; ") + ".";
    result.remediation =
        "Run the agent elevated (or as the service, LocalSystem) and compare with `fltmc filters`.";
    return result;
  }
  const std::string where = found.source == "registry" ? " registered" : " loaded";
  if (!conflicts.empty()) {
    const bool passive = RegistryFlag(ctx.registry, kDefenderKey, "PassiveMode") ||
                         RegistryFlag(ctx.registry, kDefenderKey, "ForcePassiveMode");
    const bool forced = RegistryFlag(ctx.registry, kAtpPolicyKey, "ForceDefenderPassiveMode");
    const std::string list = Join(conflicts);
    if (passive || forced) {
      result.status = Status::kWarn;
      result.summary = "Another vendor's anti-virus filter is" + where + " (" + list +
                       "); Microsoft Defender Antivirus is " +
                       (passive ? "in passive mode" : "set to passive mode by policy") +
                       ", as it must be next to it.";
      result.remediation =
          "Keep Defender in passive mode while the other product protects the machine; MDE's EDR "
          "works in passive mode.";
      return result;
    }
    result.status = Status::kFail;
    result.summary = "Another vendor's anti-virus filter is" + where + " (" + list +
                     "): Microsoft Defender Antivirus must run in passive mode next to it, and a "
                     "Windows Server does not switch to passive mode on its own.";
    result.remediation =
        "Before onboarding, set HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows Advanced Threat "
        "Protection!ForceDefenderPassiveMode to 1 (REG_DWORD; on 2012 R2 / 2016 install md4ws.msi "
        "with FORCEPASSIVEMODE=1), or remove the other product. Once onboarded with tamper "
        "protection on, Defender cannot go back to passive mode.";
    return result;
  }
  if (!notifies.empty()) {
    result.status = Status::kWarn;
    result.summary = "Another vendor's activity monitor (EDR) filter is" + where + ": " +
                     Join(notifies) +
                     ". MDE runs next to it, but two EDR sensors on one machine "
                     "cost performance and may need mutual exclusions.";
    result.remediation =
        "Add exclusions for each other's processes in both products, as their vendors document.";
    return result;
  }
  result.status = Status::kPass;
  result.summary = std::to_string(report.size()) + " file-system filters" + where +
                   ", none from another security vendor" +
                   (mde.empty() ? "." : " (MDE's own: " + Join(mde) + ").");
  return result;
}

}  // namespace preflight

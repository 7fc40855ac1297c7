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
    std::string instance_key = instances_key;
    instance_key.append("\\").append(instance);
    const Result<std::string> altitude =
        registry.ReadString(instance_key, "Altitude", kMaxAltitudeBytes);
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

MinifiltersFacts GatherMinifilters(const MinifilterSource& source, const Registry& registry) {
  Found found = Enumerate(source, registry);
  MinifiltersFacts facts;
  facts.filters = std::move(found.filters);
  facts.source = std::move(found.source);
  facts.problems = std::move(found.problems);
  facts.defender_passive = RegistryFlag(registry, kDefenderKey, "PassiveMode") ||
                           RegistryFlag(registry, kDefenderKey, "ForcePassiveMode");
  facts.passive_by_policy = RegistryFlag(registry, kAtpPolicyKey, "ForceDefenderPassiveMode");
  return facts;
}

// The company that owns a filter: the official list's, else the catalog's vendor.
std::string Company(const ClassifiedFilter& f) {
  if (f.official != nullptr && !f.official->company.empty())
    return std::string(f.official->company);
  return f.driver != nullptr ? f.driver->vendor : "";
}

std::string DecidedByWords(DecidedBy by) {
  switch (by) {
    case DecidedBy::kOfficialList:
      return "per Microsoft's altitude list";
    case DecidedBy::kCatalog:
      return "per the product catalog";
    case DecidedBy::kAltitude:
      break;
  }
  return "by altitude only, not in Microsoft's list";
}

// "csagent (CrowdStrike Falcon; CrowdStrike Ltd., FSFilter Anti-Virus, 321410; per Microsoft's
// altitude list)".
std::string Label(const ClassifiedFilter& f) {
  std::string label = f.filter.name + " (";
  if (f.driver != nullptr) label += f.driver->product + "; ";
  const std::string company = Company(f);
  label += company.empty() ? "company unknown" : company;
  if (f.group) label += ", " + *f.group;
  if (!f.filter.altitude.empty()) label += ", " + f.filter.altitude;
  if (f.official != nullptr && f.official->retired) label += ", a retired allocation";
  return label + "; " + DecidedByWords(f.decided_by) + ")";
}

// `loaded`: the Filter Manager listed the filter, so its instance count is the live one; a filter
// read from the registry has no instance count (null).
Json ReportEntry(const ClassifiedFilter& f, bool loaded) {
  Json entry = {{"name", f.filter.name},
                {"altitude", f.filter.altitude.empty() ? Json() : Json(f.filter.altitude)},
                {"group", f.group ? Json(*f.group) : Json()},
                {"classification", ClassificationName(f.classification)}};
  entry["instances"] = loaded ? Json(f.filter.instances) : Json();
  if (f.driver != nullptr) entry["product"] = f.driver->vendor + " " + f.driver->product;
  if (f.filter.legacy) entry["legacy"] = true;
  const std::string company = Company(f);
  entry["company"] = company.empty() ? Json() : Json(company);
  entry["decided_by"] = DecidedByName(f.decided_by);
  if (f.official != nullptr) {
    entry["official"] = {{"filter", std::string(f.official->filter)},
                         {"altitude", std::string(f.official->altitude)},
                         {"company", std::string(f.official->company)},
                         {"group", std::string(f.official->group)},
                         {"retired", f.official->retired}};
  }
  return entry;
}

std::string Summary(const MinifiltersFacts& facts, const MinifiltersVerdict& verdict,
                    const std::vector<std::string>& mde) {
  std::vector<std::string> conflicts;
  std::vector<std::string> notifies;
  for (const ClassifiedFilter& f : verdict.filters) {
    if (f.classification == Classification::kConflict) conflicts.push_back(Label(f));
    if (f.classification == Classification::kNotify) notifies.push_back(Label(f));
  }
  const std::string where = facts.source == "registry" ? " registered" : " loaded";
  switch (verdict.finding) {
    case MinifiltersFinding::kNoneListed:
      return "No file-system filter could be listed: " + Join(facts.problems, "; ") + ".";
    case MinifiltersFinding::kConflictPassive:
      return "Another vendor's anti-virus filter is" + where + " (" + Join(conflicts) +
             "); Microsoft Defender Antivirus is " +
             (facts.defender_passive ? "in passive mode" : "set to passive mode by policy") +
             ", as it must be next to it.";
    case MinifiltersFinding::kConflict:
      return "Another vendor's anti-virus filter is" + where + " (" + Join(conflicts) +
             "): Microsoft Defender Antivirus must run in passive mode next to it, and a Windows "
             "Server does not switch to passive mode on its own.";
    case MinifiltersFinding::kOtherEdr:
      return "Another vendor's activity monitor (EDR) filter is" + where + ": " + Join(notifies) +
             ". MDE runs next to it, but two EDR sensors on one machine cost performance and may "
             "need mutual exclusions.";
    case MinifiltersFinding::kClean:
      break;
  }
  return std::to_string(verdict.filters.size()) + " file-system filters" + where +
         ", none from another security vendor" +
         (mde.empty() ? "." : " (MDE's own: " + Join(mde) + ").");
}

std::string Remediation(MinifiltersFinding finding) {
  switch (finding) {
    case MinifiltersFinding::kNoneListed:
      return "Run the agent elevated (or as the service, LocalSystem) and compare with `fltmc "
             "filters`.";
    case MinifiltersFinding::kConflictPassive:
      return "Keep Defender in passive mode while the other product protects the machine; MDE's "
             "EDR works in passive mode.";
    case MinifiltersFinding::kConflict:
      return "Before onboarding, set HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows Advanced Threat "
             "Protection!ForceDefenderPassiveMode to 1 (REG_DWORD; on 2012 R2 / 2016 install "
             "md4ws.msi with FORCEPASSIVEMODE=1), or remove the other product. Once onboarded "
             "with tamper protection on, Defender cannot go back to passive mode.";
    case MinifiltersFinding::kOtherEdr:
      return "Add exclusions for each other's processes in both products, as their vendors "
             "document.";
    case MinifiltersFinding::kClean:
      break;
  }
  return "";
}

// What the catalog advises for the products behind the verdict, after the general remediation.
std::string ProductRemediation(const MinifiltersVerdict& verdict) {
  std::string advice;
  for (const ClassifiedFilter& f : verdict.filters) {
    const bool judged = f.classification == Classification::kConflict ||
                        f.classification == Classification::kNotify;
    if (judged && f.driver != nullptr && !f.driver->remediation.empty()) {
      advice += " " + f.driver->product + ": " + f.driver->remediation;
    }
  }
  return advice;
}

CheckResult WordMinifilters(const BuiltInCatalog<MinifilterCatalog>& catalog,
                            const MinifiltersFacts& facts, const MinifiltersVerdict& verdict) {
  CheckResult result;
  Json report = Json::array();
  std::vector<std::string> mde;
  for (const ClassifiedFilter& f : verdict.filters) {
    report.push_back(ReportEntry(f, facts.source == "filter_manager"));
    if (f.classification == Classification::kMde) mde.push_back(f.filter.name);
  }
  result.report = {{"minifilters", report}};
  const AllocatedAltitudes& list = OfficialAltitudes();
  result.evidence = {{"source", facts.source},
                     {"count", report.size()},
                     {"problems", facts.problems},
                     {"mde", mde},
                     {"filters", report},
                     {"altitude_list",
                      {{"url", std::string(list.url)},
                       {"commit", std::string(list.commit)},
                       {"date", std::string(list.date)}}}};
  if (!catalog.error.empty()) result.evidence["catalog_error"] = catalog.error;
  result.status = verdict.status;
  result.summary = Summary(facts, verdict, mde);
  result.remediation = Remediation(verdict.finding) + ProductRemediation(verdict);
  return result;
}

}  // namespace

MinifiltersVerdict EvaluateMinifilters(const MinifilterCatalog& catalog,
                                       const MinifiltersFacts& facts,
                                       std::span<const AltitudeAllocation> official) {
  MinifiltersVerdict verdict;
  std::set<std::string> seen;
  bool conflict = false;
  bool notify = false;
  for (const Minifilter& filter : facts.filters) {
    if (!seen.insert(ToLower(filter.name)).second) continue;
    ClassifiedFilter f{filter, FindDriver(catalog, filter.name), AltitudeGroup(filter.altitude),
                       FindAllocation(official, filter.name, filter.altitude)};
    const FilterJudgement judgement = ClassifyMinifilter(f.official, f.driver, f.group);
    f.classification = judgement.classification;
    f.decided_by = judgement.decided_by;
    conflict = conflict || f.classification == Classification::kConflict;
    notify = notify || f.classification == Classification::kNotify;
    verdict.filters.push_back(std::move(f));
  }
  if (verdict.filters.empty()) {
    verdict.finding = MinifiltersFinding::kNoneListed;
    verdict.status = Status::kWarn;
  } else if (conflict && (facts.defender_passive || facts.passive_by_policy)) {
    verdict.finding = MinifiltersFinding::kConflictPassive;
    verdict.status = Status::kWarn;
  } else if (conflict) {
    verdict.finding = MinifiltersFinding::kConflict;
    verdict.status = Status::kFail;
  } else if (notify) {
    verdict.finding = MinifiltersFinding::kOtherEdr;
    verdict.status = Status::kWarn;
  } else {
    verdict.finding = MinifiltersFinding::kClean;
    verdict.status = Status::kPass;
  }
  return verdict;
}

CheckResult MinifiltersCheck::Run(const Context& ctx) const {
  const BuiltInCatalog<MinifilterCatalog>& catalog = BuiltInWindowsMinifilterCatalog();
  const MinifiltersFacts facts = GatherMinifilters(*source_, ctx.registry);
  return WordMinifilters(catalog, facts, EvaluateMinifilters(catalog.catalog, facts));
}

}  // namespace preflight

#include "probes/windows/minifilters.h"

#include <algorithm>
#include <array>
#include <set>

#include <nlohmann/json.hpp>

#include "platform/text.h"
#include "platform/utf16.h"

namespace preflight {
namespace {

using nlohmann::json;

std::uint32_t Le(std::string_view bytes, std::size_t at, std::size_t width) {
  std::uint32_t value = 0;
  for (std::size_t i = 0; i < width; ++i) {
    value |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + i])) << (8 * i);
  }
  return value;
}

// A UTF-16LE string at [offset, offset + length) of an entry that starts at `entry`.
std::optional<std::string> StringAt(std::string_view buffer, std::size_t entry,
                                    std::uint32_t length, std::uint32_t offset) {
  if (length == 0) return std::string();
  if (length % 2 != 0) return std::nullopt;
  const std::size_t start = entry + offset;
  if (offset < fasi::kSize || start > buffer.size() || length > buffer.size() - start) {
    return std::nullopt;
  }
  return Utf16ToUtf8(Utf16FromLittleEndianBytes(buffer.substr(start, length)));
}

// Load order groups and their altitude ranges (windows-driver-docs
// ifs/load-order-groups-and-altitudes-for-minifilter-drivers.md at commit 81d06fd, 2025-07-16).
// Security Monitor, Security Content Screener and Security Bottom are not on that page; their
// ranges are the section headings of ifs/allocated-altitudes.md (commit 825aa15, ms.date
// 10/28/2025, probes/data/allocated-altitudes.md). A unit test checks every allocation of the
// official list against this table.
struct GroupRange {
  std::uint32_t low;
  std::uint32_t high;
  const char* name;
};
constexpr std::array<GroupRange, 26> kGroups = {{
    {420000, 429999, "Filter"},
    {400000, 409999, "FSFilter Top"},
    {392000, 394999, "FSFilter Security Monitor"},
    {360000, 389999, "FSFilter Activity Monitor"},
    {340000, 349999, "FSFilter Undelete"},
    {320000, 329999, "FSFilter Anti-Virus"},
    {300000, 309999, "FSFilter Replication"},
    {280000, 289999, "FSFilter Continuous Backup"},
    {272000, 274999, "FSFilter Security Content Screener"},
    {260000, 269999, "FSFilter Content Screener"},
    {240000, 249999, "FSFilter Quota Management"},
    {220000, 229999, "FSFilter System Recovery"},
    {200000, 209999, "FSFilter Cluster File System"},
    {180000, 189999, "FSFilter HSM"},
    {170000, 175000, "FSFilter Imaging"},
    {160000, 169999, "FSFilter Compression"},
    {140000, 149999, "FSFilter Encryption"},
    {130000, 139999, "FSFilter Virtualization"},
    {120000, 129999, "FSFilter Physical Quota Management"},
    {100000, 109999, "FSFilter Open File"},
    {80000, 89999, "FSFilter Security Enhancer"},
    {60000, 69999, "FSFilter Copy Protection"},
    {52000, 54999, "FSFilter Security Bottom"},
    {40000, 49999, "FSFilter Bottom"},
    {20000, 29999, "FSFilter System"},
    {0, 19999, "FSFilter Infrastructure"},
}};

constexpr const char* kAntiVirusGroup = "FSFilter Anti-Virus";
constexpr const char* kActivityMonitorGroup = "FSFilter Activity Monitor";

FilterRole RoleOf(const std::string& role, const std::string& where) {
  if (role == "mde") return FilterRole::kMde;
  if (role == "microsoft") return FilterRole::kMicrosoft;
  if (role == "antivirus") return FilterRole::kAntivirus;
  if (role == "edr") return FilterRole::kEdr;
  if (role == "other") return FilterRole::kOther;
  throw CatalogError{where + ".role \"" + role +
                     "\" is not mde, microsoft, antivirus, edr or other"};
}

// "exception": {"classification": "allowed" | "notify", "reason": "<public source>"}.
CatalogException ExceptionOf(const json& entry, const std::string& where) {
  AllowKeys(entry, {"classification", "reason"}, where);
  const std::string value = RequiredString(entry, "classification", where);
  CatalogException exception;
  exception.reason = RequiredString(entry, "reason", where);
  if (value == "allowed") {
    exception.classification = Classification::kAllowed;
  } else if (value == "notify") {
    exception.classification = Classification::kNotify;
  } else {
    throw CatalogError{where + ".classification \"" + value + "\" is not allowed or notify"};
  }
  return exception;
}

CatalogDriver DriverOf(const json& entry, const std::string& where) {
  AllowKeys(
      entry,
      {"name", "vendor", "product", "role", "altitudes", "sources", "remediation", "exception"},
      where);
  CatalogDriver driver;
  driver.name = RequiredString(entry, "name", where);
  driver.vendor = RequiredString(entry, "vendor", where);
  driver.product = RequiredString(entry, "product", where);
  driver.role = RoleOf(RequiredString(entry, "role", where), where);
  if (entry.contains("remediation"))
    driver.remediation = RequiredString(entry, "remediation", where);
  if (entry.contains("exception")) driver.exception = ExceptionOf(entry["exception"], where);
  const auto sources = entry.find("sources");
  if (sources == entry.end() || !sources->is_array() || sources->empty()) {
    throw CatalogError{where + " names no public source"};
  }
  return driver;
}

MinifilterCatalog ParseValidated(const json& root) {
  AllowKeys(root, {"schema", "comment", "drivers"}, "catalog");
  if (!root.contains("schema") || root["schema"] != 1) throw CatalogError{"schema must be 1"};
  const json drivers = root.value("drivers", json::array());
  if (!drivers.is_array()) throw CatalogError{"drivers must be an array"};
  MinifilterCatalog catalog;
  std::set<std::string> names;
  for (std::size_t i = 0; i < drivers.size(); ++i) {
    const std::string where = "drivers[" + std::to_string(i) + "]";
    CatalogDriver driver = DriverOf(drivers[i], where);
    if (!names.insert(ToLower(driver.name)).second) {
      throw CatalogError{"duplicate driver " + driver.name};
    }
    catalog.drivers.push_back(std::move(driver));
  }
  return catalog;
}

}  // namespace

MinifilterBuffer ParseFilterAggregateStandardInformation(std::string_view buffer) {
  MinifilterBuffer result;
  std::size_t entry = 0;
  // Each entry is at least kSize bytes, so the chain cannot hold more entries than this.
  const std::size_t max_entries = buffer.size() / fasi::kSize + 1;
  for (std::size_t count = 0; count < max_entries; ++count) {
    const std::string where =
        "entry " + std::to_string(count) + " at offset " + std::to_string(entry);
    if (entry > buffer.size() || buffer.size() - entry < fasi::kSize) {
      result.error = where + " is truncated";
      return result;
    }
    const std::uint32_t flags = Le(buffer, entry + fasi::kFlags, 4);
    Minifilter filter;
    std::uint32_t name_length = 0;
    std::uint32_t name_offset = 0;
    std::uint32_t altitude_length = 0;
    std::uint32_t altitude_offset = 0;
    if ((flags & fasi::kIsMinifilter) != 0) {
      filter.frame_id = Le(buffer, entry + fasi::kMiniFrameId, 4);
      filter.instances = Le(buffer, entry + fasi::kMiniNumberOfInstances, 4);
      name_length = Le(buffer, entry + fasi::kMiniNameLength, 2);
      name_offset = Le(buffer, entry + fasi::kMiniNameOffset, 2);
      altitude_length = Le(buffer, entry + fasi::kMiniAltitudeLength, 2);
      altitude_offset = Le(buffer, entry + fasi::kMiniAltitudeOffset, 2);
    } else if ((flags & fasi::kIsLegacyFilter) != 0) {
      filter.legacy = true;
      name_length = Le(buffer, entry + fasi::kLegacyNameLength, 2);
      name_offset = Le(buffer, entry + fasi::kLegacyNameOffset, 2);
      altitude_length = Le(buffer, entry + fasi::kLegacyAltitudeLength, 2);
      altitude_offset = Le(buffer, entry + fasi::kLegacyAltitudeOffset, 2);
    } else {
      result.error = where + " is neither a minifilter nor a legacy filter (flags " +
                     std::to_string(flags) + ")";
      return result;
    }
    const auto name = StringAt(buffer, entry, name_length, name_offset);
    const auto altitude = StringAt(buffer, entry, altitude_length, altitude_offset);
    if (!name || name->empty()) {
      result.error = where + " has a name outside the buffer";
      return result;
    }
    if (!altitude) {
      result.error = where + " has an altitude outside the buffer";
      return result;
    }
    filter.name = *name;
    filter.altitude = *altitude;
    result.filters.push_back(std::move(filter));
    const std::uint32_t next = Le(buffer, entry + fasi::kNextEntryOffset, 4);
    if (next == 0) return result;
    if (next < fasi::kSize) {
      result.error = where + " links to an overlapping entry";
      return result;
    }
    entry += next;
  }
  result.error = "the chain of entries does not end";
  return result;
}

std::optional<std::string> AltitudeGroup(std::string_view altitude) {
  altitude = Trim(altitude);
  const std::size_t dot = altitude.find('.');
  const std::string_view whole = altitude.substr(0, dot);
  if (whole.empty() || whole.size() > 9) return std::nullopt;
  if (!std::all_of(whole.begin(), whole.end(), IsDigit)) return std::nullopt;
  if (dot != std::string_view::npos) {
    const std::string_view fraction = altitude.substr(dot + 1);
    if (fraction.empty() || !std::all_of(fraction.begin(), fraction.end(), IsDigit)) {
      return std::nullopt;
    }
  }
  std::uint32_t value = 0;
  for (const char c : whole) value = value * 10 + static_cast<std::uint32_t>(c - '0');
  for (const GroupRange& group : kGroups) {
    if (value >= group.low && value <= group.high) return std::string(group.name);
  }
  return std::nullopt;
}

Result<MinifilterCatalog> ParseMinifilterCatalog(std::string_view json_text) {
  return ParseCatalog<MinifilterCatalog>(json_text, "catalog", ParseValidated);
}

const BuiltInCatalog<MinifilterCatalog>& BuiltInWindowsMinifilterCatalog() {
  return LoadBuiltInCatalog<MinifilterCatalog, ParseMinifilterCatalog>("windows_minifilters.json");
}

const CatalogDriver* FindDriver(const MinifilterCatalog& catalog, std::string_view name) {
  std::string wanted = ToLower(name);
  if (wanted.size() > 4 && wanted.compare(wanted.size() - 4, 4, ".sys") == 0)
    wanted.resize(wanted.size() - 4);
  for (const CatalogDriver& driver : catalog.drivers) {
    if (ToLower(driver.name) == wanted) return &driver;
  }
  return nullptr;
}

const char* DecidedByName(DecidedBy value) {
  switch (value) {
    case DecidedBy::kOfficialList:
      return "official_list";
    case DecidedBy::kCatalog:
      return "catalog";
    case DecidedBy::kAltitude:
      break;
  }
  return "altitude";
}

FilterJudgement ClassifyMinifilter(const AltitudeAllocation* official, const CatalogDriver* driver,
                                   const std::optional<std::string>& group) {
  const DecidedBy by_group = official != nullptr ? DecidedBy::kOfficialList : DecidedBy::kAltitude;
  const FilterRole role = driver != nullptr ? driver->role : FilterRole::kOther;
  if (role == FilterRole::kMde) return {Classification::kMde, DecidedBy::kCatalog};
  if (official != nullptr && IsMicrosoftAllocation(*official)) {
    return {Classification::kAllowed, DecidedBy::kOfficialList};
  }
  if (role == FilterRole::kMicrosoft) return {Classification::kAllowed, DecidedBy::kCatalog};
  if (driver != nullptr && driver->exception) {
    return {driver->exception->classification, DecidedBy::kCatalog};
  }
  if (group == kAntiVirusGroup) return {Classification::kConflict, by_group};
  if (role == FilterRole::kAntivirus) return {Classification::kConflict, DecidedBy::kCatalog};
  if (role == FilterRole::kEdr) return {Classification::kNotify, DecidedBy::kCatalog};
  if (group == kActivityMonitorGroup) return {Classification::kNotify, by_group};
  return {Classification::kAllowed, by_group};
}

}  // namespace preflight

#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "platform/minifilter_source.h"
#include "platform/result.h"
#include "probes/common/catalog.h"
#include "probes/common/classification.h"
#include "probes/windows/allocated_altitudes.h"

namespace preflight {

struct Minifilter {
  std::string name;      // "WdFilter"
  std::string altitude;  // "328010"; empty when the filter has none
  bool legacy = false;   // a legacy filter driver, not a minifilter
  std::uint32_t instances = 0;
  std::uint32_t frame_id = 0;
};

// Parses one buffer that FilterFindFirst / FilterFindNext filled with
// FilterAggregateStandardInformation: entries chained by NextEntryOffset (0 ends the chain),
// UTF-16LE strings that are not NUL-terminated, at offsets relative to their entry. Every offset
// and length is checked against the buffer; a bad entry ends the parse with an error, keeping the
// entries before it. Pure, never throws.
struct MinifilterBuffer {
  std::vector<Minifilter> filters;
  std::string error;  // empty when the whole buffer was well-formed
};
MinifilterBuffer ParseFilterAggregateStandardInformation(std::string_view buffer);

// The load order group of an altitude ("an infinite-precision string interpreted as a decimal
// number", fractional sub-altitudes allowed): "FSFilter Anti-Virus" for 320000-329999, ...
// (windows-driver-docs ifs/load-order-groups-and-altitudes-for-minifilter-drivers.md, and the
// sections of ifs/allocated-altitudes.md for the three groups that page lacks). nullopt for text
// that is not a decimal number or an altitude outside every group.
std::optional<std::string> AltitudeGroup(std::string_view altitude);

// What the catalog (probes/data/windows_minifilters.json) knows of a driver.
enum class FilterRole { kMde, kMicrosoft, kAntivirus, kEdr, kOther };
// A known exception to the altitude group's verdict, with the public reason for it.
struct CatalogException {
  Classification classification = Classification::kAllowed;
  std::string reason;
};
struct CatalogDriver {
  std::string name;  // the filter name without ".sys", compared case-insensitively
  std::string vendor;
  std::string product;
  FilterRole role = FilterRole::kOther;
  std::string remediation;  // product-specific advice; empty when none
  std::optional<CatalogException> exception;
};
struct MinifilterCatalog {
  std::vector<CatalogDriver> drivers;
};

// Validates the catalog: unknown keys, empty names, duplicates, unknown roles and entries without a
// public source are errors. Never throws.
Result<MinifilterCatalog> ParseMinifilterCatalog(std::string_view json_text);

// The catalog compiled into the binary, parsed once (probes/common/catalog.h).
const BuiltInCatalog<MinifilterCatalog>& BuiltInWindowsMinifilterCatalog();

const CatalogDriver* FindDriver(const MinifilterCatalog& catalog, std::string_view name);

// Which source decided a filter's classification.
enum class DecidedBy { kOfficialList, kCatalog, kAltitude };
// "official_list", "catalog", "altitude".
const char* DecidedByName(DecidedBy value);

struct FilterJudgement {
  Classification classification = Classification::kAllowed;
  DecidedBy decided_by = DecidedBy::kAltitude;
};

// The policy, in this order: the catalog's MDE drivers are mde; Microsoft's own filters (company
// Microsoft in the official list, or the catalog's Microsoft ones) are allowed, never another
// vendor's; a catalogued exception (with its reason) stands; any other company's filter in the
// FSFilter Anti-Virus group is a conflict (Defender must run passive next to it) whatever the
// catalog calls it; then the catalog's role (antivirus -> conflict, edr -> notify); then an
// activity monitor is notify; everything else is allowed. `official` is the filter's allocation in
// the official list, `group` its altitude's group; either may be null. Pure.
FilterJudgement ClassifyMinifilter(const AltitudeAllocation* official, const CatalogDriver* driver,
                                   const std::optional<std::string>& group);

}  // namespace preflight

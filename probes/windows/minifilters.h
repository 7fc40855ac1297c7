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
// (windows-driver-docs ifs/load-order-groups-and-altitudes-for-minifilter-drivers.md). nullopt for
// text that is not a decimal number or an altitude outside every group.
std::optional<std::string> AltitudeGroup(std::string_view altitude);

// What the catalog (probes/data/windows_minifilters.json) knows of a driver.
enum class FilterRole { kMde, kMicrosoft, kAntivirus, kEdr, kOther };
struct CatalogDriver {
  std::string name;  // the filter name without ".sys", compared case-insensitively
  std::string vendor;
  std::string product;
  FilterRole role = FilterRole::kOther;
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

// The policy: MDE's own drivers are mde; another vendor's anti-virus driver, or an unknown one in
// the anti-virus altitude group, is a conflict (Defender must run passive next to it); another
// vendor's EDR, or an unknown activity monitor, is notify; everything else is allowed.
Classification ClassifyMinifilter(const CatalogDriver* driver,
                                  const std::optional<std::string>& group);

}  // namespace preflight

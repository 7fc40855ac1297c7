#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "platform/minifilter_source.h"
#include "probes/check.h"
#include "probes/windows/minifilters.h"

namespace preflight {

// What windows.minifilters reads, as plain data.
struct MinifiltersFacts {
  std::vector<Minifilter> filters;
  std::string source;  // "filter_manager", or "registry" when the Filter Manager gave none
  std::vector<std::string> problems;
  bool defender_passive = false;   // Windows Defender!PassiveMode or !ForcePassiveMode
  bool passive_by_policy = false;  // the ATP policy ForceDefenderPassiveMode
};

struct ClassifiedFilter {
  Minifilter filter;
  const CatalogDriver* driver = nullptr;         // the catalog's entry; null when unknown
  std::optional<std::string> group;              // the altitude's load order group
  const AltitudeAllocation* official = nullptr;  // its allocation in the official list, or null
  Classification classification = Classification::kAllowed;
  DecidedBy decided_by = DecidedBy::kAltitude;
};

enum class MinifiltersFinding {
  kNoneListed,       // every Windows has filters, so the list could not be read
  kConflictPassive,  // another anti-virus, Defender passive already (or by policy)
  kConflict,         // another anti-virus, Defender not set to passive
  kOtherEdr,         // another vendor's activity monitor
  kClean,
};

struct MinifiltersVerdict {
  std::vector<ClassifiedFilter> filters;  // each name once, in the order found
  MinifiltersFinding finding = MinifiltersFinding::kNoneListed;
  Status status = Status::kWarn;
};

// Policy: no filter found at all -> warn; another vendor's anti-virus filter -> fail, explaining
// passive mode, unless Defender is already passive or ForceDefenderPassiveMode is set (then warn,
// naming the product); another EDR's activity monitor -> warn; otherwise pass. MDE's own filters
// are listed, never judged; Microsoft's own filters never count as another vendor's (see
// ClassifyMinifilter). `catalog` and `official` must outlive the verdict. Pure.
MinifiltersVerdict EvaluateMinifilters(
    const MinifilterCatalog& catalog, const MinifiltersFacts& facts,
    std::span<const AltitudeAllocation> official = OfficialAltitudes().allocations);

// windows.minifilters: the file-system filter drivers on the machine, named and grouped by
// Microsoft's list of allocated altitudes (probes/windows/allocated_altitudes.h) and classified
// with the catalog (probes/data/windows_minifilters.json) as ClassifyMinifilter says; another
// vendor's anti-virus filter means Defender Antivirus must run in passive mode. Fills the report's
// `minifilters[]`. The Filter Manager is asked first; when it gives nothing (not elevated, Wine)
// the filters registered under HKLM\SYSTEM\CurrentControlSet\Services\<driver>\Instances are read
// instead.
class MinifiltersCheck final : public Check {
 public:
  explicit MinifiltersCheck(std::unique_ptr<MinifilterSource> source)
      : source_(std::move(source)) {}
  CheckResult Run(const Context& ctx) const override;

 private:
  std::unique_ptr<MinifilterSource> source_;
};

}  // namespace preflight

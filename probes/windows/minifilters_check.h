#pragma once

#include <memory>

#include "platform/minifilter_source.h"
#include "probes/check.h"

namespace preflight {

// windows.minifilters: the file-system filter drivers on the machine, classified by the catalog
// (probes/data/windows_minifilters.json) and their altitude group; another vendor's anti-virus
// filter means Defender Antivirus must run in passive mode. Fills the report's `minifilters[]`.
// The Filter Manager is asked first; when it gives nothing (not elevated, Wine) the filters
// registered under HKLM\SYSTEM\CurrentControlSet\Services\<driver>\Instances are read instead.
class MinifiltersCheck final : public Check {
 public:
  explicit MinifiltersCheck(std::unique_ptr<MinifilterSource> source)
      : source_(std::move(source)) {}
  CheckResult Run(const Context& ctx) const override;

 private:
  std::unique_ptr<MinifilterSource> source_;
};

}  // namespace preflight

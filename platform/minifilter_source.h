#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "platform/result.h"

namespace preflight {

// The layout of FILTER_AGGREGATE_STANDARD_INFORMATION (fltuserstructures.h; windows-driver-docs-ddi
// ns-fltuserstructures-_filter_aggregate_standard_information), as byte offsets from the start of
// an entry, so that the parser (probes/windows/minifilters.h) needs no Windows header. The Win32
// enumerator static_asserts them against the real structure.
namespace fasi {
inline constexpr std::size_t kNextEntryOffset = 0;
inline constexpr std::size_t kFlags = 4;
inline constexpr std::size_t kMiniFlags = 8;
inline constexpr std::size_t kMiniFrameId = 12;
inline constexpr std::size_t kMiniNumberOfInstances = 16;
inline constexpr std::size_t kMiniNameLength = 20;
inline constexpr std::size_t kMiniNameOffset = 22;
inline constexpr std::size_t kMiniAltitudeLength = 24;
inline constexpr std::size_t kMiniAltitudeOffset = 26;
inline constexpr std::size_t kLegacyFlags = 8;
inline constexpr std::size_t kLegacyNameLength = 12;
inline constexpr std::size_t kLegacyNameOffset = 14;
inline constexpr std::size_t kLegacyAltitudeLength = 16;
inline constexpr std::size_t kLegacyAltitudeOffset = 18;
inline constexpr std::size_t kSize = 28;             // sizeof, the union's larger member included
inline constexpr std::uint32_t kIsMinifilter = 1;    // FLTFL_ASI_IS_MINIFILTER
inline constexpr std::uint32_t kIsLegacyFilter = 2;  // FLTFL_ASI_IS_LEGACYFILTER
}  // namespace fasi

// The file-system filter drivers loaded on the running machine, as the Filter Manager reports them
// (FilterFindFirst / FilterFindNext with FilterAggregateStandardInformation). The raw buffers are
// returned so that their parsing (probes/windows/minifilters.h) is pure and tested on every build.
class MinifilterSource {
 public:
  virtual ~MinifilterSource() = default;
  // One buffer per filter, at most max_filters of them; an empty list when none is loaded.
  // kPermission when the caller is not elevated, kUnavailable off Windows.
  virtual Result<std::vector<std::string>> Enumerate(std::size_t max_filters) const = 0;
};

std::unique_ptr<MinifilterSource> MakeMinifilterSource();

}  // namespace preflight

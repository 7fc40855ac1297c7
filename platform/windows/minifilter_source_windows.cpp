#include <windows.h>

#include <fltuser.h>

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "platform/minifilter_source.h"
#include "platform/windows/win32_util.h"

namespace preflight {
namespace {

// The pure parser reads entries by these offsets; they must be the real structure's.
static_assert(offsetof(FILTER_AGGREGATE_STANDARD_INFORMATION, NextEntryOffset) ==
              fasi::kNextEntryOffset);
static_assert(offsetof(FILTER_AGGREGATE_STANDARD_INFORMATION, Flags) == fasi::kFlags);
static_assert(offsetof(FILTER_AGGREGATE_STANDARD_INFORMATION, Type.MiniFilter.Flags) ==
              fasi::kMiniFlags);
static_assert(offsetof(FILTER_AGGREGATE_STANDARD_INFORMATION, Type.MiniFilter.FrameID) ==
              fasi::kMiniFrameId);
static_assert(offsetof(FILTER_AGGREGATE_STANDARD_INFORMATION, Type.MiniFilter.NumberOfInstances) ==
              fasi::kMiniNumberOfInstances);
static_assert(offsetof(FILTER_AGGREGATE_STANDARD_INFORMATION, Type.MiniFilter.FilterNameLength) ==
              fasi::kMiniNameLength);
static_assert(offsetof(FILTER_AGGREGATE_STANDARD_INFORMATION,
                       Type.MiniFilter.FilterNameBufferOffset) == fasi::kMiniNameOffset);
static_assert(offsetof(FILTER_AGGREGATE_STANDARD_INFORMATION,
                       Type.MiniFilter.FilterAltitudeLength) == fasi::kMiniAltitudeLength);
static_assert(offsetof(FILTER_AGGREGATE_STANDARD_INFORMATION,
                       Type.MiniFilter.FilterAltitudeBufferOffset) == fasi::kMiniAltitudeOffset);
static_assert(offsetof(FILTER_AGGREGATE_STANDARD_INFORMATION, Type.LegacyFilter.Flags) ==
              fasi::kLegacyFlags);
static_assert(offsetof(FILTER_AGGREGATE_STANDARD_INFORMATION, Type.LegacyFilter.FilterNameLength) ==
              fasi::kLegacyNameLength);
static_assert(offsetof(FILTER_AGGREGATE_STANDARD_INFORMATION,
                       Type.LegacyFilter.FilterNameBufferOffset) == fasi::kLegacyNameOffset);
static_assert(offsetof(FILTER_AGGREGATE_STANDARD_INFORMATION,
                       Type.LegacyFilter.FilterAltitudeLength) == fasi::kLegacyAltitudeLength);
static_assert(offsetof(FILTER_AGGREGATE_STANDARD_INFORMATION,
                       Type.LegacyFilter.FilterAltitudeBufferOffset) ==
              fasi::kLegacyAltitudeOffset);
static_assert(sizeof(FILTER_AGGREGATE_STANDARD_INFORMATION) == fasi::kSize);
static_assert(FLTFL_ASI_IS_MINIFILTER == fasi::kIsMinifilter);
static_assert(FLTFL_ASI_IS_LEGACYFILTER == fasi::kIsLegacyFilter);

// One entry is the structure plus a name and an altitude of at most a few hundred bytes; the API
// says how much it needs when this is too small (ERROR_INSUFFICIENT_BUFFER), up to kMaxEntryBytes.
constexpr DWORD kInitialEntryBytes = 1024;
constexpr DWORD kMaxEntryBytes = 64 * 1024;

struct FilterFindCloser {
  void operator()(HANDLE handle) const { ::FilterFindClose(handle); }
};
using UniqueFilterFind = std::unique_ptr<void, FilterFindCloser>;

Error FromHresult(const char* what, HRESULT hr) {
  if (HRESULT_FACILITY(hr) == FACILITY_WIN32) {
    return win32::Win32Error(what, static_cast<DWORD>(HRESULT_CODE(hr)));
  }
  return MakeError(ErrorKind::kOther, std::string(what) + ": HRESULT " + std::to_string(hr));
}

class FltLibMinifilterSource final : public MinifilterSource {
 public:
  Result<std::vector<std::string>> Enumerate(std::size_t max_filters) const override {
    std::vector<std::string> buffers;
    HANDLE raw = INVALID_HANDLE_VALUE;
    UniqueFilterFind find;
    while (buffers.size() < max_filters) {
      std::string buffer(kInitialEntryBytes, '\0');
      HRESULT hr = S_OK;
      for (int attempt = 0; attempt < 2; ++attempt) {
        DWORD returned = 0;
        hr = find ? ::FilterFindNext(find.get(), FilterAggregateStandardInformation, buffer.data(),
                                     static_cast<DWORD>(buffer.size()), &returned)
                  : ::FilterFindFirst(FilterAggregateStandardInformation, buffer.data(),
                                      static_cast<DWORD>(buffer.size()), &returned, &raw);
        if (hr == HRESULT_FROM_WIN32(ERROR_INSUFFICIENT_BUFFER) && returned > buffer.size() &&
            returned <= kMaxEntryBytes) {
          buffer.assign(returned, '\0');
          continue;
        }
        if (SUCCEEDED(hr)) buffer.resize((std::min<std::size_t>)(returned, buffer.size()));
        break;
      }
      if (hr == HRESULT_FROM_WIN32(ERROR_NO_MORE_ITEMS)) return buffers;
      if (FAILED(hr)) return FromHresult("cannot enumerate the file-system filters", hr);
      if (!find) find.reset(raw);
      buffers.push_back(std::move(buffer));
    }
    return buffers;
  }
};

}  // namespace

std::unique_ptr<MinifilterSource> MakeMinifilterSource() {
  return std::make_unique<FltLibMinifilterSource>();
}

}  // namespace preflight

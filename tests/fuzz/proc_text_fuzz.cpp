#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "probes/linux/fanotify/fanotify_scan.h"
#include "probes/linux/fanotify/fanotify_scan_text.h"

namespace {

// True when s is well-formed UTF-8 without control bytes: what the JSON report needs.
bool CleanUtf8(const std::string& s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7F) return false;
    std::size_t n = c < 0x80           ? 1
                    : (c >> 5) == 0x6  ? 2
                    : (c >> 4) == 0xE  ? 3
                    : (c >> 3) == 0x1E ? 4
                                       : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (std::size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += n;
  }
  return true;
}

}  // namespace

// libFuzzer entry point for the /proc text helpers of the fanotify scan: hostile cmdline, comm,
// status and mounts contents must never crash, and what goes into the report must be clean,
// bounded UTF-8.
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::string cmdline = preflight::FormatCmdline(text, 64);
  if (cmdline.size() > 64 + 3 || !CleanUtf8(cmdline)) __builtin_trap();
  const std::string report = preflight::ReportText(text, 32);
  if (report.size() > 32 + 3 || !CleanUtf8(report)) __builtin_trap();
  (void)preflight::ParseStatusUid(text);
  (void)preflight::ProcHidepid(text);
  return 0;
}

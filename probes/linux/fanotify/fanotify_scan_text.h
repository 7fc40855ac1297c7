#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace preflight {

// Text the fanotify scan reads from /proc, made fit for a report. Pure.

// /proc/<pid>/cmdline (NUL-separated) as one line: values of password/token/secret/key-like
// options and URL credentials are replaced by "***", the result is ReportText-bounded.
std::string FormatCmdline(std::string_view raw, std::size_t max_chars);
// Text safe for a JSON report: valid UTF-8 kept, control bytes and invalid sequences become '?',
// at most max_chars bytes (cut on a character boundary, "..." appended).
std::string ReportText(std::string_view raw, std::size_t max_chars);
// The real uid from /proc/<pid>/status ("Uid:\t<real>\t<effective>...", proc(5)).
std::optional<std::uint32_t> ParseStatusUid(std::string_view status);
// The hidepid= option of the proc mount at /proc in /proc/mounts text, if any (proc(5)).
std::optional<std::string> ProcHidepid(std::string_view mounts);

}  // namespace preflight

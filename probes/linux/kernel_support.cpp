#include "probes/linux/kernel_support.h"

#include <algorithm>

#include "probes/common/version.h"

namespace preflight {
namespace {

bool Contains(const std::vector<std::string>& list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

bool SameMajor(std::string_view version_id, std::string_view major) {
  const auto have = VersionPrefix(version_id, 1);
  const auto want = VersionPrefix(major, 1);
  return !have.empty() && have == want;
}

}  // namespace

EbpfVerdict EvaluateEbpf(const LinuxSupport& support, std::string_view id,
                         std::string_view version_id, std::string_view kernel_release) {
  EbpfVerdict verdict;
  for (const EbpfMinimum& row : support.ebpf_minimums) {
    if (!Contains(row.ids, id)) continue;
    if (!row.version.empty() && !SameMajor(version_id, row.version)) continue;
    if (!row.kernel_contains.empty() &&
        kernel_release.find(row.kernel_contains) == std::string_view::npos) {
      continue;
    }
    verdict.minimum = row.kernel;
    verdict.basis = "Microsoft's eBPF prerequisites for ID=" + std::string(id) +
                    (row.kernel_contains.empty() ? "" : " (" + row.kernel_contains + " kernels)") +
                    ", " + support.ebpf_source;
    break;
  }
  if (verdict.minimum.empty()) {
    const bool is_310 = VersionPrefix(kernel_release, 2) == std::vector<std::uint64_t>{3, 10};
    verdict.minimum = is_310 ? "3.10.0-957.10" : "4.15";
    verdict.basis =
        "mde_installer.sh v1.2.1's general rule; Microsoft's table has no row for this "
        "distribution";
  }
  verdict.supported = CompareVersions(kernel_release, verdict.minimum) >= 0;
  for (const EbpfKnownHang& hang : support.ebpf_known_hangs) {
    if (Contains(hang.ids, id) && !hang.kernel_prefix.empty() &&
        kernel_release.substr(0, hang.kernel_prefix.size()) == hang.kernel_prefix) {
      verdict.hang_note = hang.note;
      break;
    }
  }
  return verdict;
}

bool SafeKernelRelease(std::string_view release) {
  // __NEW_UTS_LEN is 64 (include/uapi/linux/utsname.h).
  constexpr std::size_t kMaxReleaseLength = 64;
  if (release.empty() || release.size() > kMaxReleaseLength) return false;
  if (release == "." || release == "..") return false;
  for (const char c : release) {
    if (c == '/' || c == '\0' || static_cast<unsigned char>(c) < 0x20) return false;
  }
  return true;
}

}  // namespace preflight

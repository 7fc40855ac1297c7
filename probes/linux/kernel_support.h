#pragma once

#include <string>
#include <string_view>

#include "probes/linux/linux_support.h"

namespace preflight {

struct EbpfVerdict {
  bool supported = false;  // the kernel meets the minimum for the eBPF event provider
  std::string minimum;     // "4.18.0-425"
  std::string basis;       // where the minimum comes from, for the admin
  std::string hang_note;   // non-empty when the kernel is a known-bad one for eBPF
};

// Minimum kernel for MDE's eBPF supplementary event provider on this distribution (ID, VERSION_ID)
// from Microsoft's table; for a distribution the table does not name, the rule of
// mde_installer.sh v1.2.1 --pre-req (>= 4.15, or >= 3.10.0-957.10 on 3.10 kernels). Pure.
EbpfVerdict EvaluateEbpf(const LinuxSupport& support, std::string_view id,
                         std::string_view version_id, std::string_view kernel_release);

// A kernel release usable in a file name (/boot/config-<release>): non-empty, at most 64
// characters (utsname, include/uapi/linux/utsname.h), no '/' and not "." or "..". Pure.
bool SafeKernelRelease(std::string_view release);

}  // namespace preflight

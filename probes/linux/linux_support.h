#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "platform/result.h"

namespace preflight {

// One row of Microsoft's supported-distribution table (probes/data/linux_support.json).
struct DistroSupport {
  std::string name;                // "Red Hat Enterprise Linux"
  std::vector<std::string> ids;    // os-release ID values of the row
  std::string name_contains;       // also required in NAME / PRETTY_NAME ("Stream"); empty = any
  std::vector<std::string> x64;    // version specs ("7.2+", "8.x", "9-13", "22.04")
  std::vector<std::string> arm64;  // empty: not supported on ARM64
};

// Minimum kernel for the eBPF supplementary event provider on one distro (release).
struct EbpfMinimum {
  std::vector<std::string> ids;
  std::string version;          // os-release major version it applies to; empty = any
  std::string kernel_contains;  // only kernels whose release contains this ("uek"); empty = any
  std::string kernel;           // "4.18.0-425"
};

struct EbpfKnownHang {
  std::vector<std::string> ids;
  std::string kernel_prefix;
  std::string note;
};

// The Linux support facts the host checks evaluate against, kept as data so that a documentation
// change is a data change.
struct LinuxSupport {
  std::string distros_source;  // URL and date of the table
  std::string ebpf_source;
  std::string filesystems_source;
  std::string minimum_kernel;  // "3.10.0-327"
  std::vector<DistroSupport> distros;
  std::map<std::string, std::string> installer_aliases;  // derivative ID -> ID the installer uses
  std::vector<EbpfMinimum> ebpf_minimums;
  std::vector<EbpfKnownHang> ebpf_known_hangs;
  std::set<std::string> rtp_filesystems;
  std::set<std::string> pseudo_filesystems;
};

// Parses the JSON of probes/data/linux_support.json. Never throws.
Result<LinuxSupport> ParseLinuxSupport(std::string_view json_text);

// The embedded linux_support.json, parsed once.
const Result<LinuxSupport>& EmbeddedLinuxSupport();

}  // namespace preflight

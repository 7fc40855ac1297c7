#pragma once

#include <string>

#include "probes/check.h"
#include "probes/linux/os_support.h"

namespace preflight {

// What linux.os reads, as plain data.
struct OsSupportFacts {
  OsRelease os_release;  // /etc/os-release, else /usr/lib/os-release; found false if neither
  std::string os_release_source;
  OsRelease redhat_release;    // /etc/redhat-release; found false when absent or not understood
  std::string redhat_error;    // why /etc/redhat-release gave nothing
  std::string machine;         // uname -m (live) or the tree's (tree_machine.h); empty when unknown
  std::string machine_source;  // where `machine` was read
  bool live = true;
};

struct OsSupportVerdict {
  bool identified = false;  // false: neither os-release nor /etc/redhat-release named a distro
  OsRelease os;             // the release judged: os-release, or redhat-release standing in
  std::string source;       // the file `os` came from
  Arch arch = Arch::kX64;   // x64 when the machine is unknown
  // CentOS 7 writes VERSION_ID="7"; the minor release judged instead, from /etc/redhat-release.
  std::string precise_version;
  OsEvaluation eval;
};

// The distribution against Microsoft's table, with /etc/redhat-release standing in for a missing
// os-release and completing an imprecise VERSION_ID. `support` must outlive the result. Pure.
OsSupportVerdict EvaluateOsSupport(const LinuxSupport& support, const OsSupportFacts& facts);

// linux.os: the distribution, its version and the CPU architecture against Microsoft's supported
// distribution table (probes/data/linux_support.json; reference/linux.md 2.4).
class OsSupportCheck final : public Check {
 public:
  CheckResult Run(const Context& ctx) const override;
};

}  // namespace preflight

#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "probes/common/os_release.h"
#include "probes/linux/linux_support.h"

namespace preflight {

enum class SpecMatch { kNo, kYes, kImprecise };

// Does os-release VERSION_ID `version` fall under one version spec of the support table?
//   "8.x" / "8"   any 8 release          "7.2+"   7.2 or later within 7
//   "9-13"        9 through 13 (also with an en dash, as the document writes it)
//   "22.04"       exactly 22.04
// kImprecise when the version has too few components to decide ("7" against "7.2+": CentOS 7
// writes VERSION_ID="7"). Pure; never throws.
SpecMatch MatchVersionSpec(std::string_view spec, std::string_view version);

enum class Arch { kX64, kArm64, kOther };

// uname -m / /proc/sys/kernel/arch text to the support table's columns.
Arch ArchFromMachine(std::string_view machine);
const char* ArchColumnName(Arch arch);  // "x64", "ARM64", "other"

enum class OsVerdict {
  kSupported,           // listed distro, listed version, listed architecture
  kUnsupportedVersion,  // listed distro, version not listed for this architecture
  kImpreciseVersion,    // listed distro, VERSION_ID too coarse to decide
  kNoVersion,           // listed distro, no VERSION_ID
  kArchNotSupported,    // listed distro, but not on this architecture
  kDerivative,          // not listed, ID_LIKE names a listed distro
  kUnknownDistro,       // neither ID nor ID_LIKE is listed
};

struct OsEvaluation {
  OsVerdict verdict = OsVerdict::kUnknownDistro;
  const DistroSupport* entry = nullptr;  // the row matched by ID, or by ID_LIKE for derivatives
  std::string like_id;                   // the ID_LIKE word that matched (derivatives)
  std::vector<std::string> listed;       // version specs for the architecture
};

// Evaluates os-release facts against the table. `support` must outlive the result. Pure.
OsEvaluation EvaluateOs(const LinuxSupport& support, const OsRelease& os, Arch arch);

// Parses /etc/redhat-release ("Red Hat Enterprise Linux Server release 6.10 (Santiago)") into the
// os-release fields it implies; found is false when the line names no known distribution. The
// installer falls back to this file when there is no os-release (reference/linux.md 2.2). Pure.
OsRelease ParseRedHatRelease(std::string_view text);

}  // namespace preflight

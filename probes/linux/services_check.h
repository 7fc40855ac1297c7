#pragma once

#include <string>

#include "probes/check.h"

namespace preflight {

// What linux.services reads, as plain data.
struct ServicesFacts {
  bool live = true;
  std::string systemd_binary;   // the systemd binary found in the tree; empty when none
  bool systemd_booted = false;  // live: /run/systemd/system is a directory (sd_booted(3))
  std::string python3;          // the first python3 found; empty when none
  std::string python2;          // the first python2 found, looked for only without python3
};

enum class SystemdFinding {
  kRunsAsInit,    // live, booted with systemd
  kNotInit,       // live, not booted with systemd
  kInstalled,     // offline, installed; whether it runs as init cannot be known
  kNotInstalled,  // offline, not installed
};
enum class PythonFinding { kPython3, kOnlyPython2, kNone };

struct ServicesVerdict {
  SystemdFinding systemd = SystemdFinding::kNotInstalled;
  Status systemd_status = Status::kPass;
  PythonFinding python = PythonFinding::kNone;
  Status python_status = Status::kPass;
};

// MDE on Linux requires systemd; the MDE.Linux extension requires a Python interpreter and
// Defender for Cloud wants Python 3 on current distributions. Pure.
ServicesVerdict EvaluateServices(const ServicesFacts& facts);

// linux.services: systemd as init (MDE on Linux requires it) and a Python interpreter (the
// MDE.Linux VM extension requires one; reference/linux.md 1.5, 2.4, 4.6).
class ServicesCheck final : public Check {
 public:
  CheckResult Run(const Context& ctx) const override;
};

}  // namespace preflight

#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "platform/fanotify_group_source.h"
#include "probes/check.h"
#include "probes/linux/fanotify/fanotify_boot.h"
#include "probes/linux/fanotify/fanotify_holders.h"
#include "probes/linux/fanotify/fanotify_scan.h"
#include "probes/linux/fanotify/fanotify_services.h"

namespace preflight {

// Everything linux.fanotify judges, gathered from the machine. The holders point into `scan` and
// into the built-in catalog, so the facts are moved, never copied.
struct FanotifyFacts {
  FanotifyFacts() = default;
  FanotifyFacts(FanotifyFacts&&) = default;
  FanotifyFacts(const FanotifyFacts&) = delete;
  FanotifyFacts& operator=(const FanotifyFacts&) = delete;

  std::string catalog_error;  // why the built-in catalog did not load; empty when it did
  bool live = false;          // the running machine's own /proc
  bool privileged = true;     // the agent runs as root (asked on a live machine only)
  std::string proc;           // where /proc is, for messages
  // Which scan ran ("bpf": the in-kernel iterator, "proc": the /proc walk) and why that one.
  std::string scan_path;
  std::string scan_path_reason;
  FanotifyScan scan;
  std::vector<ServiceFinding> services;
  nlohmann::json service_evidence;
  std::vector<ClassifiedHolder> holders;
  // Catalogued products installed in the tree: what will start at boot (fanotify_boot.h).
  std::vector<BootProduct> boot;
  nlohmann::json boot_evidence;
  // /proc's hidepid= option, read on a live machine when the scan may have missed processes.
  bool mounts_read = false;
  std::optional<std::string> hidepid;
  // The distro and MDE's health, gathered only when fapolicyd holds a group (reference §1.3).
  const OsRelease* os = nullptr;
  const MdeState* mde = nullptr;
};

// The I/O: the /proc scan, the conflicting services, and what judging fapolicyd needs.
// MDE_PREFLIGHT_FANOTIFY_SCAN=proc skips the in-kernel scan; unset or "auto" tries it first.
inline constexpr char kFanotifyScanEnv[] = "MDE_PREFLIGHT_FANOTIFY_SCAN";

// `kernel`: the in-kernel scan, tried first on the live machine; null for the /proc scan only.
FanotifyFacts GatherFanotify(const Context& ctx, const FanotifyGroupSource* kernel = nullptr);

// The policy and its wording over the facts; pure.
CheckResult JudgeFanotify(const FanotifyFacts& facts);

// linux.fanotify: which programs hold fanotify groups, and would any of them block file access
// next to MDE (reference/linux.md §0, §1). Fails on blocking groups of other programs and on the
// services mde_installer.sh refuses to install next to; fapolicyd is judged by distro and MDE
// health; notification-only users are reported without failing.
class FanotifyCheck final : public Check {
 public:
  FanotifyCheck() = default;
  explicit FanotifyCheck(std::unique_ptr<FanotifyGroupSource> kernel)
      : kernel_(std::move(kernel)) {}
  CheckResult Run(const Context& ctx) const override;

 private:
  std::unique_ptr<FanotifyGroupSource> kernel_;
};

}  // namespace preflight

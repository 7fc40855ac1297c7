#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "platform/file_system.h"
#include "probes/check.h"

namespace preflight {

// What linux.resources reads, as plain data.
struct ResourcesFacts {
  bool live = true;
  std::optional<std::uint64_t> memory_kib;  // MemTotal of /proc/meminfo
  std::string memory_error;
  std::string disk_path;  // where the free space for /opt was measured
  std::optional<SpaceInfo> disk;
  std::string disk_error;
  std::optional<std::uint64_t> cpus;
  std::string cpus_source;
  std::optional<std::string> glibc;  // the glibc version
  std::string glibc_source;
  std::vector<std::string> glibc_tried;
};

enum class Measure { kUnknown, kBelowMinimum, kEnough };

struct ResourcesVerdict {
  Measure memory = Measure::kUnknown;
  std::uint64_t memory_mb = 0;
  Measure disk = Measure::kUnknown;
  std::uint64_t disk_available_mb = 0;
  Measure glibc = Measure::kUnknown;
  bool cpus_known = false;
};

// Minimums: mde-linux-prerequisites.md ("1 GB of RAM", "2 GB" disk, one core) as
// mde_installer.sh checks them: MIN_MEM_MB=1024 against `free -m` total (= MemTotal),
// MIN_DISK_SPACE_MB=2048 free at /opt (v1.2.1), glibc >= 2.17 from `ldd --version` (v1.2.1).
inline constexpr std::uint64_t kMinMemoryMb = 1024;
inline constexpr std::uint64_t kMinDiskMb = 2048;
inline constexpr const char* kMinGlibc = "2.17";

// Memory, disk and glibc against MDE's minimums. Pure.
ResourcesVerdict EvaluateResources(const ResourcesFacts& facts);

// linux.resources: memory, free disk space for /opt, CPU count and glibc version against MDE's
// minimums (reference/linux.md 2.2 and 2.4).
class ResourcesCheck final : public Check {
 public:
  CheckResult Run(const Context& ctx) const override;
};

}  // namespace preflight

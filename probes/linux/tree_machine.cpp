#include "probes/linux/tree_machine.h"

#include "platform/file_system.h"
#include "platform/text.h"
#include "probes/common/package_text.h"
#include "probes/common/tree_links.h"
#include "probes/linux/package_query.h"

namespace preflight {
namespace {

// /proc/sys/kernel/arch holds utsname.machine, at most 64 characters
// (include/uapi/linux/utsname.h).
constexpr std::size_t kMaxArchBytes = 256;
constexpr const char* kProcArch = "/proc/sys/kernel/arch";
// Small binaries every distribution ships (coreutils); env is ~50 KB. 16 MiB bounds a hostile
// file, since the file system interface reads whole files.
constexpr const char* kElfProbes[] = {"/usr/bin/env", "/bin/env", "/usr/bin/true", "/bin/true"};
constexpr std::size_t kMaxElfProbeBytes = std::size_t{16} * 1024 * 1024;
// dpkg's own package carries the native architecture (dpkg --print-architecture); rpm's and
// glibc's are built for the machine too, never noarch.
constexpr const char* kArchPackages[] = {"dpkg", "rpm", "glibc"};

}  // namespace

TreeMachine ReadTreeMachine(const Context& ctx) {
  const auto arch = ctx.fs.ReadFile(kProcArch, kMaxArchBytes);
  if (arch.Ok() && !Trim(arch.Value()).empty()) {
    return {std::string(Trim(arch.Value())), kProcArch};
  }
  const PackageQuery packages =
      QueryPackages(ctx, {std::begin(kArchPackages), std::end(kArchPackages)});
  for (const char* name : kArchPackages) {
    const PackageAnswer* answer = packages.Installed(name);
    if (answer == nullptr) continue;
    const std::string machine = MachineFromPackageArch(answer->arch);
    if (!machine.empty()) {
      return {machine, packages.database + " (" + name + " " + answer->arch + ")"};
    }
  }
  for (const char* path : kElfProbes) {
    const auto bytes = ctx.fs.ReadFile(ResolveInTree(ctx.fs, path), kMaxElfProbeBytes);
    if (!bytes.Ok()) continue;
    const std::string machine = MachineFromElfHeader(bytes.Value());
    if (!machine.empty()) return {machine, std::string(path) + " (ELF header)"};
  }
  return {};
}

}  // namespace preflight

#include "probes/common/facts.h"

#include <chrono>

#include "platform/file_system.h"
#ifdef _WIN32
#include "probes/windows/local_extension_windows.h"
#include "probes/windows/mde_state_windows.h"
#else
#include "probes/linux/local_extension_linux.h"
#include "probes/linux/mde_state_linux.h"
#endif

namespace preflight {
namespace {

// os-release files are a few hundred bytes; 64 KiB leaves room and bounds a hostile file.
constexpr std::size_t kMaxOsReleaseBytes = std::size_t{64} * 1024;

OsRelease ReadOsRelease(const Context& ctx) {
  std::string errors;
  // os-release(5): /etc/os-release takes precedence over /usr/lib/os-release.
  for (const char* path : {"/etc/os-release", "/usr/lib/os-release"}) {
    auto text = ctx.fs.ReadFile(path, kMaxOsReleaseBytes);
    if (!text.Ok()) {
      if (!errors.empty()) errors += "; ";
      errors += text.Err().message;
      continue;
    }
    OsRelease release = ParseOsRelease(text.Value());
    release.fields["_source"] = path;
    if (!release.found) release.error = std::string(path) + ": " + release.error;
    return release;
  }
  OsRelease missing;
  missing.error = errors;
  return missing;
}

// The build picks this OS's readers (DESIGN.md: an #ifdef only where a factory picks an
// implementation). The Windows readers build everywhere, so their tests run on Linux too.
MdeState ReadMdeState(const Context& ctx) {
#ifdef _WIN32
  return ReadWindowsMdeState(ctx, ctx.clock.WallNow());
#else
  return ReadLinuxMdeState(ctx);
#endif
}

LocalExtension ReadLocalMdeExtension(const Context& ctx) {
#ifdef _WIN32
  return ReadWindowsMdeExtension(ctx);
#else
  return ReadLinuxMdeExtension(ctx);
#endif
}

}  // namespace

const OsRelease& OsReleaseOf(const Context& ctx) {
  return ctx.facts.os_release.Get([&] { return ReadOsRelease(ctx); });
}

const MdeState& MdeStateOf(const Context& ctx) {
  return ctx.facts.mde.Get([&] { return ReadMdeState(ctx); });
}

const LocalExtension& LocalMdeExtensionOf(const Context& ctx) {
  return ctx.facts.mde_extension.Get([&] { return ReadLocalMdeExtension(ctx); });
}

const LocalExtensionView& LocalExtensionOf(const Context& ctx) {
  return ctx.facts.local_extension.Get([&] { return ViewOf(LocalMdeExtensionOf(ctx)); });
}

}  // namespace preflight

#include "probes/common/facts.h"

#include "platform/file_system.h"

namespace preflight {
namespace {

// os-release files are a few hundred bytes; 64 KiB leaves room and bounds a hostile file.
constexpr std::size_t kMaxOsReleaseBytes = 64 * 1024;

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

}  // namespace

const OsRelease& OsReleaseOf(const Context& ctx) {
  return ctx.facts.os_release.Get([&] { return ReadOsRelease(ctx); });
}

const MdeState& MdeStateOf(const Context& ctx) {
  return ctx.facts.mde.Get([&] { return ReadMdeState(ctx); });
}

const LocalExtensionView& LocalExtensionOf(const Context& ctx) {
  return ctx.facts.local_extension.Get([&] { return ReadLocalExtensionView(ctx); });
}

}  // namespace preflight

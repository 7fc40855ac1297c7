#include <cstddef>
#include <cstdint>
#include <string_view>

#include "probes/linux/os_support.h"

// One input drives the three pure pieces of linux.os: the /etc/redhat-release parser, the version
// spec matcher (spec and version split at the first '\n') and the evaluation of os-release text.
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const preflight::OsRelease redhat = preflight::ParseRedHatRelease(text);
  if (redhat.found && redhat.id.empty()) __builtin_trap();

  const std::size_t newline = text.find('\n');
  const std::string_view spec = text.substr(0, newline);
  const std::string_view version =
      newline == std::string_view::npos ? std::string_view() : text.substr(newline + 1);
  (void)preflight::MatchVersionSpec(spec, version);

  const auto& support = preflight::EmbeddedLinuxSupport();
  if (support.Ok()) {
    const preflight::OsRelease os = preflight::ParseOsRelease(text);
    for (const auto arch :
         {preflight::Arch::kX64, preflight::Arch::kArm64, preflight::Arch::kOther}) {
      const preflight::OsEvaluation eval = preflight::EvaluateOs(support.Value(), os, arch);
      if (eval.verdict == preflight::OsVerdict::kSupported && eval.entry == nullptr)
        __builtin_trap();
    }
  }
  return 0;
}

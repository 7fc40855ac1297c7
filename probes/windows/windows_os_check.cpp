#include "probes/windows/windows_os_check.h"

#include <string>

#include "platform/registry.h"
#include "probes/windows/windows_version.h"

namespace preflight {
namespace {

using Json = nlohmann::json;

Json OrNull(const std::string& value) { return value.empty() ? Json() : Json(value); }

std::string BuildText(const WindowsVersion& version) {
  if (!version.build) return "unknown build";
  std::string text = "build " + std::to_string(*version.build);
  if (version.ubr) text += "." + std::to_string(*version.ubr);
  return text;
}

// Windows 11 keeps "Windows 10" in ProductName; the release named from the build comes first when
// the product name does not already say it.
std::string Describe(const WindowsVersion& version, const WindowsRelease& release) {
  std::string described =
      version.product_name.find(release.name) == 0
          ? version.product_name
          : release.name + (version.product_name.empty()
                                ? ""
                                : " [ProductName \"" + version.product_name + "\"]");
  return described + " (" + BuildText(version) +
         (version.installation_type.empty() ? "" : ", " + version.installation_type) + ")";
}

CheckResult WordWindowsOs(const WindowsVersion& version, const WindowsRelease& release) {
  CheckResult result;
  result.evidence = {{"product_name", OrNull(version.product_name)},
                     {"build", version.build ? Json(*version.build) : Json()},
                     {"ubr", version.ubr ? Json(*version.ubr) : Json()},
                     {"edition_id", OrNull(version.edition_id)},
                     {"installation_type", OrNull(version.installation_type)},
                     {"display_version", OrNull(version.display_version)},
                     {"release", release.name},
                     {"server", release.server},
                     {"unified_agent_path", release.downlevel}};
  const std::string described = Describe(version, release);
  switch (release.support) {
    case WindowsSupport::kSupported:
      result.status = Status::kPass;
      result.summary = described + " is supported by Defender for Endpoint" +
                       (release.downlevel ? " through the unified agent (md4ws.msi), which "
                                            "Defender for Cloud installs."
                                          : ".");
      return result;
    case WindowsSupport::kUnsupported:
      result.status = Status::kFail;
      result.summary =
          described + " cannot be onboarded to MDE by Defender for Cloud: " + release.reason + ".";
      result.remediation =
          "Use a supported Windows Server release (2012 R2, 2016, 2019, 2022, 2025) or Windows "
          "10/11 Enterprise multi-session; the Defender for Cloud extension reports error code 51 "
          "on other systems.";
      return result;
    case WindowsSupport::kUnknown:
      break;
  }
  result.status = Status::kWarn;
  result.summary = "Could not tell whether " + described + " is supported: " + release.reason + ".";
  result.remediation = "Check the Windows version with `winver` against the MDE requirements.";
  return result;
}

}  // namespace

// Gather: the version key; evaluate: ClassifyWindows (probes/windows/windows_version.h, a table
// test); wording: WordWindowsOs. The version key unreadable -> warn; supported -> pass (2012 R2 /
// 2016 say that they need the unified agent); unsupported -> fail with the reason; no build number
// -> warn.
CheckResult WindowsOsCheck::Run(const Context& ctx) const {
  const WindowsVersion version = ReadWindowsVersion(ctx.registry);
  if (!version.error.empty()) {
    CheckResult result;
    result.status = Status::kWarn;
    result.summary = "Could not read the Windows version: " + version.error + ".";
    result.remediation = "Run the agent as an administrator on the machine itself.";
    return result;
  }
  return WordWindowsOs(version, ClassifyWindows(version));
}

}  // namespace preflight

#include "probes/windows/windows_version.h"

#include <string>

#include "platform/registry.h"
#include "platform/text.h"

namespace preflight {
namespace {

// The version strings are short; 1 KiB bounds a hostile value.
constexpr std::size_t kMaxStringBytes = 1024;

std::optional<std::uint32_t> Number(const std::string& text) {
  if (text.empty() || text.size() > 9) return std::nullopt;
  std::uint32_t value = 0;
  for (const char c : text) {
    if (!IsDigit(c)) return std::nullopt;
    value = value * 10 + static_cast<std::uint32_t>(c - '0');
  }
  return value;
}

bool Contains(const std::string& text, const char* part) {
  return ToLower(text).find(ToLower(part)) != std::string::npos;
}

// Server builds and their names (minimum-requirements.md; Windows Server release information).
const char* ServerName(std::uint32_t build) {
  switch (build) {
    case 9600:
      return "Windows Server 2012 R2";
    case 14393:
      return "Windows Server 2016";
    case 17763:
      return "Windows Server 2019";
    case 20348:
      return "Windows Server 2022";
    case 26100:
      return "Windows Server 2025";
    default:
      return nullptr;
  }
}

}  // namespace

WindowsVersion ReadWindowsVersion(const Registry& registry) {
  WindowsVersion version;
  const auto text = [&](const char* name) {
    return registry.ReadString(kCurrentVersionKey, name, kMaxStringBytes);
  };
  const Result<std::string> product = text("ProductName");
  if (!product.Ok() && product.Err().kind != ErrorKind::kNotFound) {
    version.error = product.Err().message;
    return version;
  }
  if (!product.Ok() && !registry.KeyExists(kCurrentVersionKey).ValueOr(false)) {
    version.error = "no " + registry.HostKey(kCurrentVersionKey) + " key";
    return version;
  }
  version.product_name = product.ValueOr("");
  version.build = Number(text("CurrentBuildNumber").ValueOr(""));
  if (!version.build) version.build = Number(text("CurrentBuild").ValueOr(""));
  const Result<std::uint32_t> ubr = registry.ReadDword(kCurrentVersionKey, "UBR");
  if (ubr.Ok()) version.ubr = ubr.Value();
  version.edition_id = text("EditionID").ValueOr("");
  version.installation_type = text("InstallationType").ValueOr("");
  version.display_version = text("DisplayVersion").ValueOr("");
  if (version.display_version.empty()) version.display_version = text("ReleaseId").ValueOr("");
  return version;
}

WindowsRelease ClassifyWindows(const WindowsVersion& version) {
  WindowsRelease release;
  if (!version.build) {
    release.name = version.product_name.empty() ? "Windows" : version.product_name;
    release.reason = "the build number is not recorded";
    return release;
  }
  const std::uint32_t build = *version.build;
  const std::string& type = version.installation_type;
  // ServerHyperCore is Hyper-V Server's EditionID; its ProductName says so too.
  const bool hyperv =
      version.edition_id == "ServerHyperCore" || Contains(version.product_name, "Hyper-V Server");
  // Windows 10/11 Enterprise multi-session reports EditionID ServerRdsh.
  const bool multi_session =
      version.edition_id == "ServerRdsh" || Contains(version.product_name, "multi-session");
  release.server = !multi_session && (type.rfind("Server", 0) == 0 || type == "Nano Server" ||
                                      version.edition_id.rfind("Server", 0) == 0 ||
                                      Contains(version.product_name, "Server"));
  if (release.server || hyperv) {
    const char* name = ServerName(build);
    release.name = name != nullptr ? name : "Windows Server (build " + std::to_string(build) + ")";
    if (hyperv) {
      release.name = "Hyper-V Server (build " + std::to_string(build) + ")";
      release.server = true;
      release.support = WindowsSupport::kUnsupported;
      release.reason = "Hyper-V Server editions are not supported by Defender for Endpoint";
      return release;
    }
    if (build < 9600) {
      release.support = WindowsSupport::kUnsupported;
      release.reason = build == 7601 ? "Windows Server 2008 R2 is onboarded only through the "
                                       "retired Log Analytics agent (MMA), not by Defender for "
                                       "Cloud's MDE integration"
                                     : "Windows Server releases before 2012 R2 are not supported";
      return release;
    }
    release.downlevel = build == 9600 || build == 14393;
    if (name == nullptr && build < 17134) {
      release.support = WindowsSupport::kUnsupported;
      release.reason = "build " + std::to_string(build) +
                       " is neither a supported Long-Term Servicing release nor a Semi-Annual "
                       "Channel release from 1803 on";
      return release;
    }
    release.support = WindowsSupport::kSupported;
    return release;
  }
  const bool eleven = build >= 22000;
  if (multi_session) {
    release.name = std::string(eleven ? "Windows 11" : "Windows 10") + " Enterprise multi-session";
    release.support = WindowsSupport::kSupported;
    return release;
  }
  release.name = std::string(eleven           ? "Windows 11"
                             : build >= 10240 ? "Windows 10"
                                              : "Windows") +
                 (version.edition_id.empty() ? "" : " (" + version.edition_id + ")");
  release.support = WindowsSupport::kUnsupported;
  release.reason =
      "Defender for Cloud onboards Windows client machines only as Enterprise multi-session (Azure "
      "Virtual Desktop); other client editions are onboarded through Intune or the Defender portal";
  return release;
}

}  // namespace preflight

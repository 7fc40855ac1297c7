#include "probes/windows/prerequisites_check.h"

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "platform/file_system.h"
#include "platform/registry.h"
#include "platform/text.h"
#include "probes/windows/windows_version.h"
#include "probes/windows/winhttp_settings.h"

namespace preflight {
namespace {

using Json = nlohmann::json;

// Standard pending-reboot markers (reference/windows.md "Implementation hints").
constexpr const char* kCbsRebootKey =
    "SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Component Based Servicing\\RebootPending";
constexpr const char* kWuRebootKey =
    "SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\WindowsUpdate\\Auto Update\\RebootRequired";
constexpr const char* kSessionManagerKey = "SYSTEM\\CurrentControlSet\\Control\\Session Manager";
constexpr const char* kCbsPackagesKey =
    "SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Component Based Servicing\\Packages";
constexpr const char* kTls12ClientKey =
    "SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.2\\Client";
constexpr const char* kNetFxKey = "SOFTWARE\\Microsoft\\.NETFramework\\v4.0.30319";
constexpr const char* kConnectionsKey =
    "SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Internet Settings\\Connections";
constexpr const char* kDataCollectionKey = "SOFTWARE\\Policies\\Microsoft\\Windows\\DataCollection";
// KB2999226: the Universal C Runtime, which WinDefend and Sense need on 2012 R2 (Install.ps1
// L1134-1140); it installs ucrtbase.dll into System32.
constexpr const char* kUcrtPath = "/Windows/System32/ucrtbase.dll";

// Rename lists, proxy values and binary settings are small; these bound hostile ones.
constexpr std::size_t kMaxMultiStringBytes = 1024 * 1024;
constexpr std::size_t kMaxSettingBytes = 64 * 1024;
// The CBS package list holds thousands of subkeys on a patched 2012 R2.
constexpr std::size_t kMaxPackages = 200000;
// 2016's LCU of 20 Sept 2018 (KB4457127) is build 14393.2515 (configure-server-endpoints.md: LCU
// from 20 Sept 2018 or later; Install.ps1 L1187-1360).
constexpr std::uint32_t kMin2016Ubr = 2515;

struct Findings {
  std::vector<std::string> failures;
  std::vector<std::string> warnings;
  std::vector<std::string> remediation;
};

void Add(std::vector<std::string>& list, const std::string& item) { list.push_back(item); }

bool KeyThere(const Registry& registry, const char* key, Json& evidence, const char* name) {
  const Result<bool> exists = registry.KeyExists(key);
  evidence[name] = exists.Ok() ? Json(exists.Value()) : Json();
  return exists.ValueOr(false);
}

void CheckReboot(const Context& ctx, const WindowsRelease& release, Json& evidence, Findings& out) {
  Json& reboot = evidence["pending_reboot"];
  const bool cbs = KeyThere(ctx.registry, kCbsRebootKey, reboot, "cbs_reboot_pending");
  const bool wu = KeyThere(ctx.registry, kWuRebootKey, reboot, "windows_update_reboot_required");
  const auto renames = ctx.registry.ReadMultiString(
      kSessionManagerKey, "PendingFileRenameOperations", kMaxMultiStringBytes);
  std::size_t rename_count = 0;
  if (renames.Ok()) {
    for (const std::string& item : renames.Value()) rename_count += item.empty() ? 0 : 1;
  }
  reboot["pending_file_renames"] = rename_count / 2;
  if (cbs || wu) {
    const std::string what = std::string("a reboot is pending (") +
                             (cbs ? "Component Based Servicing" : "Windows Update") + ")";
    // md4ws.msi's installer refuses to run with a pending reboot (Install.ps1 exit 12).
    Add(release.downlevel ? out.failures : out.warnings,
        what + (release.downlevel ? ": the unified agent's installer stops (error 12)" : ""));
    Add(out.remediation, "Restart the server before onboarding.");
  } else if (rename_count > 0) {
    Add(out.warnings,
        "files wait to be replaced at the next restart "
        "(PendingFileRenameOperations)");
    Add(out.remediation, "Restart the server when convenient.");
  }
}

void CheckUpdates(const Context& ctx, const WindowsVersion& version, const WindowsRelease& release,
                  Json& evidence, Findings& out) {
  if (!release.downlevel) return;
  Json& updates = evidence["updates"];
  if (version.build == 14393U) {
    updates["ubr"] = version.ubr ? Json(*version.ubr) : Json();
    if (!version.ubr) {
      Add(out.warnings, "the update level of Windows Server 2016 (UBR) is not recorded");
    } else if (*version.ubr < kMin2016Ubr) {
      Add(out.failures, "Windows Server 2016 is at build 14393." + std::to_string(*version.ubr) +
                            ", older than the cumulative update of 20 September 2018 (KB4457127, "
                            "14393.2515) that the unified agent needs");
      Add(out.remediation, "Install the latest cumulative and servicing stack updates.");
    }
    return;
  }
  // 2012 R2: KB2919355 (the 2014 update every later one needs) as a CBS package; the UCRT
  // (KB2999226) by its DLL. KB3080149 and KB3045999 are judged by file versions, which the agent
  // does not read; it says so.
  const Result<RegistryNames> packages =
      ctx.registry.ListSubkeys(kCbsPackagesKey, kMaxPackages, RegistryView::k64);
  std::set<std::string> kbs;
  if (packages.Ok()) {
    for (const std::string& name : packages.Value().names) {
      const std::string lower = ToLower(name);
      const std::size_t at = lower.find("_for_kb");
      if (at == std::string::npos) continue;
      std::size_t end = at + 7;
      while (end < lower.size() && IsDigit(lower[end])) ++end;
      kbs.insert("KB" + lower.substr(at + 7, end - at - 7));
    }
  }
  const bool has_2919355 = kbs.count("KB2919355") != 0;
  const bool has_ucrt = ctx.fs.Exists(kUcrtPath);
  updates = {{"KB2919355", packages.Ok() ? Json(has_2919355) : Json()},
             {"ucrt_KB2999226", has_ucrt},
             {"not_checked", {"KB3080149 (tdh.dll version)", "KB3045999 (ntoskrnl.exe version)"}}};
  if (!packages.Ok()) {
    Add(out.warnings, "the installed updates could not be listed: " + packages.Err().message);
  } else if (!has_2919355 && !packages.Value().truncated) {
    Add(out.failures, "KB2919355 (the Windows Server 2012 R2 Update of April 2014) is missing");
  }
  if (!has_ucrt) Add(out.failures, "the Universal C Runtime (KB2999226) is missing");
  if (!has_2919355 || !has_ucrt) {
    Add(out.remediation,
        "Install the 2012 R2 update chain KB2919442, KB2919355, KB2999226, KB3080149, KB3045999 "
        "and the latest monthly rollup, then restart.");
  }
}

void CheckTls(const Context& ctx, const WindowsRelease& release, Json& evidence, Findings& out) {
  Json& tls = evidence["tls12"];
  const auto enabled = ctx.registry.ReadDword(kTls12ClientKey, "Enabled");
  const auto disabled_by_default = ctx.registry.ReadDword(kTls12ClientKey, "DisabledByDefault");
  tls["client_enabled"] = enabled.Ok() ? Json(enabled.Value()) : Json();
  tls["client_disabled_by_default"] =
      disabled_by_default.Ok() ? Json(disabled_by_default.Value()) : Json();
  // MDEClientAnalyzer.ps1 L3815: TLS 1.2 Client!Enabled == 0 is error 122045.
  if ((enabled.Ok() && enabled.Value() == 0) ||
      (disabled_by_default.Ok() && disabled_by_default.Value() != 0)) {
    Add(out.failures,
        "TLS 1.2 is turned off for clients in SCHANNEL, and MDE's cloud service "
        "accepts nothing older");
    Add(out.remediation, "Set HKLM\\" + std::string(kTls12ClientKey) +
                             "!Enabled=1 and DisabledByDefault=0, then restart.");
  }
  if (!release.downlevel) return;
  // .NET 4 programs on 2012 R2 / 2016 (the extension handler's PowerShell) default to TLS 1.0
  // unless SchUseStrongCrypto is set.
  const auto strong = ctx.registry.ReadDword(kNetFxKey, "SchUseStrongCrypto");
  tls["dotnet_strong_crypto"] = strong.Ok() ? Json(strong.Value()) : Json();
  if (!strong.Ok() || strong.Value() != 1) {
    Add(out.warnings,
        ".NET Framework 4 is not set to use TLS 1.2 by default "
        "(SchUseStrongCrypto)");
    Add(out.remediation, "Set HKLM\\" + std::string(kNetFxKey) +
                             "!SchUseStrongCrypto=1 (and the same under WOW6432Node).");
  }
}

void CheckProxy(const Context& ctx, Json& evidence, Findings& out) {
  Json& proxy = evidence["proxy"];
  const auto raw = ctx.registry.ReadValue(kConnectionsKey, "WinHttpSettings", kMaxSettingBytes,
                                          RegistryView::k64);
  if (raw.Ok()) {
    const WinHttpProxy winhttp = ParseWinHttpSettings(raw.Value().data);
    if (!winhttp.valid) {
      proxy["winhttp"] = {{"error", winhttp.error}};
      Add(out.warnings, "the WinHTTP proxy setting cannot be read: " + winhttp.error);
      Add(out.remediation, "Reset it with `netsh winhttp reset proxy` or set it again.");
    } else {
      proxy["winhttp"] = {{"proxy", winhttp.Direct() ? Json() : Json(winhttp.proxy)},
                          {"bypass", winhttp.bypass.empty() ? Json() : Json(winhttp.bypass)}};
    }
  } else {
    proxy["winhttp"] = {{"proxy", nullptr}};
  }
  const auto telemetry =
      ctx.registry.ReadString(kDataCollectionKey, "TelemetryProxyServer", kMaxSettingBytes);
  if (telemetry.Ok()) {
    const std::string value(Trim(telemetry.Value()));
    proxy["telemetry_proxy_server"] = value;
    // configure-proxy-internet.md: the value is "servername:port" or "ip:port", no scheme.
    const std::size_t colon = value.rfind(':');
    const bool has_port =
        colon != std::string::npos && colon + 1 < value.size() &&
        std::all_of(value.begin() + static_cast<std::ptrdiff_t>(colon) + 1, value.end(), IsDigit);
    if (value.find("://") != std::string::npos || !has_port) {
      Add(out.warnings, "TelemetryProxyServer \"" + value + "\" is not in the form host:port");
      Add(out.remediation, "Set TelemetryProxyServer to host:port, without a scheme.");
    }
    const auto no_auth = ctx.registry.ReadDword(kDataCollectionKey, "DisableEnterpriseAuthProxy");
    proxy["disable_enterprise_auth_proxy"] = no_auth.Ok() ? Json(no_auth.Value()) : Json();
  }
}

}  // namespace

// Policy: any failure (missing 2012 R2 / 2016 updates, a pending reboot on those, TLS 1.2 off)
// -> fail; any warning (pending file renames or a pending reboot elsewhere, .NET without strong
// crypto on downlevel, unreadable or malformed proxy settings) -> warn; else pass, stating the
// proxy Sense will use.
CheckResult PrerequisitesCheck::Run(const Context& ctx) const {
  CheckResult result;
  const WindowsVersion version = ReadWindowsVersion(ctx.registry);
  const WindowsRelease release = ClassifyWindows(version);
  Findings out;
  Json& evidence = result.evidence;
  evidence["release"] = release.name;
  if (!version.error.empty()) Add(out.warnings, "the Windows version is unknown: " + version.error);
  CheckReboot(ctx, release, evidence, out);
  CheckUpdates(ctx, version, release, evidence, out);
  CheckTls(ctx, release, evidence, out);
  CheckProxy(ctx, evidence, out);

  result.remediation = Join(out.remediation, " ");
  if (!out.failures.empty()) {
    result.status = Status::kFail;
    result.summary = "Not ready: " + Join(out.failures, "; ") +
                     (out.warnings.empty() ? "" : ". Also: " + Join(out.warnings, "; ")) + ".";
    return result;
  }
  if (!out.warnings.empty()) {
    result.status = Status::kWarn;
    result.summary = Join(out.warnings, "; ") + ".";
    return result;
  }
  const Json& winhttp = evidence["proxy"]["winhttp"];
  const std::string proxy = winhttp.contains("proxy") && winhttp["proxy"].is_string()
                                ? "the WinHTTP proxy " + winhttp["proxy"].get<std::string>()
                                : "a direct connection (no WinHTTP proxy)";
  result.status = Status::kPass;
  result.summary = "No pending reboot, TLS 1.2 enabled" +
                   std::string(release.downlevel ? ", the update chain present" : "") +
                   "; Sense will use " + proxy + ".";
  return result;
}

}  // namespace preflight

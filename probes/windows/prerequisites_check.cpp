#include "probes/windows/prerequisites_check.h"

#include <algorithm>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "platform/file_system.h"
#include "platform/registry.h"
#include "platform/text.h"
#include "probes/windows/machine_proxy.h"
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
// KB2999226: the Universal C Runtime, which WinDefend and Sense need on 2012 R2 (Install.ps1
// L1134-1140); it installs ucrtbase.dll into System32.
constexpr const char* kUcrtPath = "/Windows/System32/ucrtbase.dll";

// Rename lists are small; this bounds hostile ones.
constexpr std::size_t kMaxMultiStringBytes = std::size_t{1024} * 1024;
// The CBS package list holds thousands of subkeys on a patched 2012 R2.
constexpr std::size_t kMaxPackages = 200000;
// 2016's LCU of 20 Sept 2018 (KB4457127) is build 14393.2515 (configure-server-endpoints.md: LCU
// from 20 Sept 2018 or later; Install.ps1 L1187-1360).
constexpr std::uint32_t kMin2016Ubr = 2515;

std::optional<bool> KeyExists(const Registry& registry, const char* key) {
  const Result<bool> exists = registry.KeyExists(key);
  return exists.Ok() ? std::optional<bool>(exists.Value()) : std::nullopt;
}

std::optional<std::uint32_t> Dword(const Registry& registry, const char* key, const char* name) {
  const Result<std::uint32_t> value = registry.ReadDword(key, name);
  return value.Ok() ? std::optional<std::uint32_t>(value.Value()) : std::nullopt;
}

Json OrNull(const std::optional<std::uint32_t>& value) { return value ? Json(*value) : Json(); }

// "Package_for_KB2919355~31bf3856ad364e35~amd64~~6.3.1.14" names KB2919355.
void GatherPackages(const Registry& registry, PrerequisitesFacts& facts) {
  const Result<RegistryNames> packages =
      registry.ListSubkeys(kCbsPackagesKey, kMaxPackages, RegistryView::k64);
  if (!packages.Ok()) {
    facts.packages_error = packages.Err().message;
    return;
  }
  facts.packages_listed = true;
  facts.packages_truncated = packages.Value().truncated;
  for (const std::string& name : packages.Value().names) {
    const std::string lower = ToLower(name);
    const std::size_t at = lower.find("_for_kb");
    if (at == std::string::npos) continue;
    std::size_t end = at + 7;
    while (end < lower.size() && IsDigit(lower[end])) ++end;
    facts.kbs.insert("KB" + lower.substr(at + 7, end - at - 7));
  }
}

void GatherProxy(const Registry& registry, PrerequisitesFacts& facts) {
  MachineProxySettings proxy = ReadMachineProxySettings(registry);
  facts.winhttp = std::move(proxy.winhttp);
  facts.telemetry_proxy = std::move(proxy.telemetry_proxy);
  facts.disable_enterprise_auth_proxy = proxy.disable_enterprise_auth_proxy;
}

PrerequisitesFacts GatherPrerequisites(const Context& ctx) {
  PrerequisitesFacts facts;
  const Registry& registry = ctx.registry;
  facts.version = ReadWindowsVersion(registry);
  facts.cbs_reboot_pending = KeyExists(registry, kCbsRebootKey);
  facts.wu_reboot_required = KeyExists(registry, kWuRebootKey);
  const auto renames = registry.ReadMultiString(kSessionManagerKey, "PendingFileRenameOperations",
                                                kMaxMultiStringBytes);
  if (renames.Ok()) {
    for (const std::string& item : renames.Value()) facts.pending_renames += item.empty() ? 0 : 1;
  }
  // 2012 R2 only: KB2919355 (the 2014 update every later one needs) as a CBS package, and the
  // UCRT (KB2999226) by its DLL.
  if (facts.version.build == 9600U) {
    GatherPackages(registry, facts);
    facts.ucrt = ctx.fs.Exists(kUcrtPath);
  }
  facts.tls12_enabled = Dword(registry, kTls12ClientKey, "Enabled");
  facts.tls12_disabled_by_default = Dword(registry, kTls12ClientKey, "DisabledByDefault");
  facts.strong_crypto = Dword(registry, kNetFxKey, "SchUseStrongCrypto");
  GatherProxy(registry, facts);
  return facts;
}

// configure-proxy-internet.md: the value is "servername:port" or "ip:port", no scheme.
bool HostAndPort(const std::string& value) {
  const std::size_t colon = value.rfind(':');
  const bool has_port =
      colon != std::string::npos && colon + 1 < value.size() &&
      std::all_of(value.begin() + static_cast<std::ptrdiff_t>(colon) + 1, value.end(), IsDigit);
  return has_port && value.find("://") == std::string::npos;
}

void EvaluateUpdates(const PrerequisitesFacts& facts, const WindowsRelease& release,
                     std::vector<PrerequisiteFinding>& out) {
  if (!release.downlevel) return;
  if (facts.version.build == 14393U) {
    if (!facts.version.ubr) {
      out.push_back({PrerequisiteIssue::kUpdateLevelUnknown, Status::kWarn});
    } else if (*facts.version.ubr < kMin2016Ubr) {
      out.push_back({PrerequisiteIssue::kUpdateLevelTooOld, Status::kFail});
    }
    return;
  }
  // KB3080149 and KB3045999 are judged by file versions, which the agent does not read; the
  // evidence says so.
  if (!facts.packages_listed) {
    out.push_back({PrerequisiteIssue::kUpdatesUnlisted, Status::kWarn});
  } else if (facts.kbs.count("KB2919355") == 0 && !facts.packages_truncated) {
    out.push_back({PrerequisiteIssue::kKb2919355Missing, Status::kFail});
  }
  if (!facts.ucrt) out.push_back({PrerequisiteIssue::kUcrtMissing, Status::kFail});
}

// The sentence and remediation of one finding.
std::pair<std::string, std::string> Words(PrerequisiteIssue issue, const PrerequisitesFacts& facts,
                                          const WindowsRelease& release) {
  constexpr const char* kUpdateChain =
      "Install the 2012 R2 update chain KB2919442, KB2919355, KB2999226, KB3080149, KB3045999 "
      "and the latest monthly rollup, then restart.";
  switch (issue) {
    case PrerequisiteIssue::kVersionUnknown:
      return {"the Windows version is unknown: " + facts.version.error, ""};
    case PrerequisiteIssue::kRebootPending:
      return {
          std::string("a reboot is pending (") +
              (facts.cbs_reboot_pending == true ? "Component Based Servicing" : "Windows Update") +
              ")" + (release.downlevel ? ": the unified agent's installer stops (error 12)" : ""),
          "Restart the server before onboarding."};
    case PrerequisiteIssue::kFileRenamesPending:
      return {"files wait to be replaced at the next restart (PendingFileRenameOperations)",
              "Restart the server when convenient."};
    case PrerequisiteIssue::kUpdateLevelUnknown:
      return {"the update level of Windows Server 2016 (UBR) is not recorded", ""};
    case PrerequisiteIssue::kUpdateLevelTooOld:
      return {"Windows Server 2016 is at build 14393." + std::to_string(*facts.version.ubr) +
                  ", older than the cumulative update of 20 September 2018 (KB4457127, "
                  "14393.2515) that the unified agent needs",
              "Install the latest cumulative and servicing stack updates."};
    case PrerequisiteIssue::kUpdatesUnlisted:
      return {"the installed updates could not be listed: " + facts.packages_error, kUpdateChain};
    case PrerequisiteIssue::kKb2919355Missing:
      return {"KB2919355 (the Windows Server 2012 R2 Update of April 2014) is missing",
              kUpdateChain};
    case PrerequisiteIssue::kUcrtMissing:
      return {"the Universal C Runtime (KB2999226) is missing", kUpdateChain};
    case PrerequisiteIssue::kTls12Off:
      return {
          "TLS 1.2 is turned off for clients in SCHANNEL, and MDE's cloud service accepts "
          "nothing older",
          "Set HKLM\\" + std::string(kTls12ClientKey) +
              "!Enabled=1 and DisabledByDefault=0, then restart."};
    case PrerequisiteIssue::kDotNetWeakCrypto:
      return {".NET Framework 4 is not set to use TLS 1.2 by default (SchUseStrongCrypto)",
              "Set HKLM\\" + std::string(kNetFxKey) +
                  "!SchUseStrongCrypto=1 (and the same under WOW6432Node)."};
    case PrerequisiteIssue::kWinHttpUnreadable:
      return {"the WinHTTP proxy setting cannot be read: " + facts.winhttp->error,
              "Reset it with `netsh winhttp reset proxy` or set it again."};
    case PrerequisiteIssue::kTelemetryProxyMalformed:
      return {
          "TelemetryProxyServer \"" + *facts.telemetry_proxy + "\" is not in the form host:port",
          "Set TelemetryProxyServer to host:port, without a scheme."};
  }
  return {};
}

Json UpdatesEvidence(const PrerequisitesFacts& facts) {
  if (facts.version.build == 14393U) return {{"ubr", OrNull(facts.version.ubr)}};
  return {{"KB2919355", facts.packages_listed ? Json(facts.kbs.count("KB2919355") != 0) : Json()},
          {"ucrt_KB2999226", facts.ucrt},
          {"not_checked", {"KB3080149 (tdh.dll version)", "KB3045999 (ntoskrnl.exe version)"}}};
}

Json ProxyEvidence(const PrerequisitesFacts& facts) {
  Json proxy;
  if (!facts.winhttp) {
    proxy["winhttp"] = {{"proxy", nullptr}};
  } else if (!facts.winhttp->valid) {
    proxy["winhttp"] = {{"error", facts.winhttp->error}};
  } else {
    const WinHttpProxy& winhttp = *facts.winhttp;
    proxy["winhttp"] = {{"proxy", winhttp.Direct() ? Json() : Json(winhttp.proxy)},
                        {"bypass", winhttp.bypass.empty() ? Json() : Json(winhttp.bypass)}};
  }
  if (facts.telemetry_proxy) {
    proxy["telemetry_proxy_server"] = *facts.telemetry_proxy;
    proxy["disable_enterprise_auth_proxy"] = OrNull(facts.disable_enterprise_auth_proxy);
  }
  return proxy;
}

Json Evidence(const PrerequisitesFacts& facts, const WindowsRelease& release) {
  const auto exists = [](const std::optional<bool>& value) {
    return value ? Json(*value) : Json();
  };
  Json evidence = {{"release", release.name},
                   {"pending_reboot",
                    {{"cbs_reboot_pending", exists(facts.cbs_reboot_pending)},
                     {"windows_update_reboot_required", exists(facts.wu_reboot_required)},
                     {"pending_file_renames", facts.pending_renames / 2}}},
                   {"tls12",
                    {{"client_enabled", OrNull(facts.tls12_enabled)},
                     {"client_disabled_by_default", OrNull(facts.tls12_disabled_by_default)}}},
                   {"proxy", ProxyEvidence(facts)}};
  if (release.downlevel) {
    evidence["updates"] = UpdatesEvidence(facts);
    evidence["tls12"]["dotnet_strong_crypto"] = OrNull(facts.strong_crypto);
  }
  return evidence;
}

CheckResult WordPrerequisites(const PrerequisitesFacts& facts,
                              const PrerequisitesVerdict& verdict) {
  CheckResult result;
  result.evidence = Evidence(facts, verdict.release);
  std::vector<std::string> failures;
  std::vector<std::string> warnings;
  std::vector<std::string> remediation;
  for (const PrerequisiteFinding& finding : verdict.findings) {
    auto [text, fix] = Words(finding.issue, facts, verdict.release);
    (finding.status == Status::kFail ? failures : warnings).push_back(std::move(text));
    if (!fix.empty() && std::find(remediation.begin(), remediation.end(), fix) == remediation.end())
      remediation.push_back(std::move(fix));
  }
  result.remediation = Join(remediation, " ");
  if (!failures.empty()) {
    result.status = Status::kFail;
    result.summary = "Not ready: " + Join(failures, "; ") +
                     (warnings.empty() ? "" : ". Also: " + Join(warnings, "; ")) + ".";
  } else if (!warnings.empty()) {
    result.status = Status::kWarn;
    result.summary = Join(warnings, "; ") + ".";
  } else {
    const bool named = facts.winhttp && facts.winhttp->valid && !facts.winhttp->Direct();
    result.status = Status::kPass;
    result.summary = "No pending reboot, TLS 1.2 enabled" +
                     std::string(verdict.release.downlevel ? ", the update chain present" : "") +
                     "; Sense will use " +
                     (named ? "the WinHTTP proxy " + facts.winhttp->proxy
                            : "a direct connection (no WinHTTP proxy)") +
                     ".";
  }
  return result;
}

}  // namespace

PrerequisitesVerdict EvaluatePrerequisites(const PrerequisitesFacts& facts) {
  PrerequisitesVerdict verdict;
  verdict.release = ClassifyWindows(facts.version);
  const bool downlevel = verdict.release.downlevel;
  std::vector<PrerequisiteFinding>& out = verdict.findings;
  if (!facts.version.error.empty())
    out.push_back({PrerequisiteIssue::kVersionUnknown, Status::kWarn});
  if (facts.cbs_reboot_pending == true || facts.wu_reboot_required == true) {
    // md4ws.msi's installer refuses to run with a pending reboot (Install.ps1 exit 12).
    out.push_back({PrerequisiteIssue::kRebootPending, downlevel ? Status::kFail : Status::kWarn});
  } else if (facts.pending_renames > 0) {
    out.push_back({PrerequisiteIssue::kFileRenamesPending, Status::kWarn});
  }
  EvaluateUpdates(facts, verdict.release, out);
  // MDEClientAnalyzer.ps1 L3815: TLS 1.2 Client!Enabled == 0 is error 122045.
  if (facts.tls12_enabled == 0U || facts.tls12_disabled_by_default.value_or(0) != 0) {
    out.push_back({PrerequisiteIssue::kTls12Off, Status::kFail});
  }
  // .NET 4 programs on 2012 R2 / 2016 (the extension handler's PowerShell) default to TLS 1.0
  // unless SchUseStrongCrypto is set.
  if (downlevel && facts.strong_crypto != 1U) {
    out.push_back({PrerequisiteIssue::kDotNetWeakCrypto, Status::kWarn});
  }
  if (facts.winhttp && !facts.winhttp->valid) {
    out.push_back({PrerequisiteIssue::kWinHttpUnreadable, Status::kWarn});
  }
  if (facts.telemetry_proxy && !HostAndPort(*facts.telemetry_proxy)) {
    out.push_back({PrerequisiteIssue::kTelemetryProxyMalformed, Status::kWarn});
  }
  return verdict;
}

CheckResult PrerequisitesCheck::Run(const Context& ctx) const {
  const PrerequisitesFacts facts = GatherPrerequisites(ctx);
  return WordPrerequisites(facts, EvaluatePrerequisites(facts));
}

}  // namespace preflight

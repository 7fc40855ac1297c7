#include "probes/linux/fanotify/fanotify_boot.h"

#include <algorithm>

#include "platform/file_system.h"
#include "platform/service_manager.h"
#include "platform/text.h"
#include "probes/common/package_text.h"
#include "probes/linux/package_query.h"
#include "probes/linux/systemd_units.h"

namespace preflight {
namespace {

// clamd.conf is ~30 KiB with every comment; 1 MiB bounds a hostile file.
constexpr std::size_t kMaxConfigBytes = std::size_t{1024} * 1024;

void JudgeSetting(const FileSystem& fs, const BlockingSetting& setting, BootProduct& found) {
  for (const std::string& file : setting.files) {
    const Result<std::string> text = fs.ReadFile(file, kMaxConfigBytes);
    if (!text.Ok()) continue;
    const auto value = FindConfigSetting(text.Value(), setting.name);
    if (!value) {
      found.blocks = false;
      found.setting = file + " does not set " + setting.name + " (off by default)";
      return;
    }
    found.setting = file + ":" + std::to_string(value->line_number) + ": " + value->line;
    found.blocks = std::any_of(setting.values.begin(), setting.values.end(),
                               [&](const std::string& on) { return ToLower(value->value) == on; });
    return;
  }
  found.blocks = false;
  found.setting =
      "no " + setting.name + " setting: none of " + Join(setting.files, ", ") + " exists";
}

void FindRunning(const Context& ctx, const std::vector<ClassifiedHolder>& holders,
                 BootProduct& found) {
  for (const ClassifiedHolder& entry : holders) {
    if (entry.product != found.product) continue;
    found.running = true;
    found.running_detail = "pid " + std::to_string(entry.holder->pid);
    return;
  }
  if (found.unit.empty() || !ctx.services.Available()) return;
  const Result<ServiceStatus> status = ctx.services.Query(found.unit);
  if (!status.Ok()) return;
  found.running_detail = status.Value().detail;
  found.running = status.Value().state == ServiceState::kActive ||
                  status.Value().state == ServiceState::kActivating;
}

nlohmann::json Describe(const BootProduct& found) {
  return {{"product", found.product->id},
          {"package", found.package},
          {"unit", found.unit},
          {"unit_file", found.unit_file},
          {"enabled_by", found.enabled_by},
          {"masked", found.masked},
          {"blocks", found.blocks},
          {"setting", found.setting},
          {"running", found.running},
          {"running_detail", found.running_detail}};
}

}  // namespace

std::vector<BootProduct> FindBootProducts(const Context& ctx, const FanotifyCatalog& catalog,
                                          const std::vector<ClassifiedHolder>& holders,
                                          nlohmann::json& evidence) {
  std::vector<std::string> names;
  for (const CatalogProduct& product : catalog.products) {
    if (product.install) {
      names.insert(names.end(), product.install->packages.begin(), product.install->packages.end());
    }
  }
  const PackageQuery packages = QueryPackages(ctx, names);
  evidence = {{"package_manager", packages.manager}, {"products", nlohmann::json::array()}};
  if (!packages.error.empty()) evidence["package_error"] = packages.error;
  const bool live = ctx.live && ctx.fs.IsLiveRoot();
  std::vector<BootProduct> found_all;
  for (const CatalogProduct& product : catalog.products) {
    if (!product.install) continue;
    BootProduct found;
    found.product = &product;
    for (const std::string& name : product.install->packages) {
      if (const PackageAnswer* answer = packages.Installed(name)) {
        found.package = name + " " + answer->version;
        break;
      }
    }
    for (const std::string& unit : product.install->units) {
      const UnitFile file = FindUnitFile(ctx.fs, unit);
      found.masked = found.masked || file.masked;
      if (file.path.empty()) continue;
      found.unit = unit;
      found.unit_file = file.path;
      found.enabled_by = FindEnablingLink(ctx.fs, unit);
      break;
    }
    if (found.package.empty() && found.unit_file.empty()) continue;
    if (product.install->blocking_setting) {
      JudgeSetting(ctx.fs, *product.install->blocking_setting, found);
    }
    if (live) FindRunning(ctx, holders, found);
    evidence["products"].push_back(Describe(found));
    found_all.push_back(std::move(found));
  }
  return found_all;
}

namespace {

// "package clamav-daemon 1.4.3; unit /lib/systemd/system/x.service, enabled by <link>; <setting>"
std::string Where(const BootProduct& found) {
  std::vector<std::string> parts;
  if (!found.package.empty()) parts.push_back("package " + found.package);
  if (!found.unit_file.empty()) {
    std::string unit = "unit " + found.unit_file;
    if (!found.enabled_by.empty()) unit += ", enabled by " + found.enabled_by;
    if (found.masked) unit += ", masked";
    parts.push_back(unit);
  }
  if (!found.setting.empty()) parts.push_back(found.setting);
  return Join(parts, "; ");
}

std::string Disable(const BootProduct& found) {
  const std::string unit = found.unit.empty() ? "its service" : found.unit;
  const std::string package = found.package.substr(0, found.package.find(' '));
  return "Remove " + found.product->name + " (" +
         (package.empty() ? std::string("its package") : package) + ") or disable " + unit +
         " (systemctl disable " + unit + ")" +
         (found.setting.empty() ? "" : ", or turn its blocking setting off") +
         "; otherwise run Defender for Endpoint in passive mode. Defender for Endpoint on Linux "
         "does not support other fanotify-based security solutions next to it (" +
         kMdeLinuxPrerequisitesUrl + ").";
}

void AddFapolicydBoot(const BootProduct& found, bool enabled, const OsRelease* os,
                      FanotifyFindings& findings) {
  if (!enabled) return;  // installed but not started: nothing to coexist with
  const bool named = os != nullptr && (os->id == "rhel" || os->id == "fedora");
  const std::string sentence =
      found.product->name + " is installed and enabled (" + Where(found) + ")";
  if (named) {
    findings.Add(Status::kPass, sentence + "; it is supported next to Defender for Endpoint on " +
                                    "RHEL and Fedora while `mdatp health` reports healthy.");
  } else {
    findings.Add(Status::kWarn,
                 sentence +
                     "; Microsoft supports it next to Defender for Endpoint in active mode "
                     "only on RHEL and Fedora (" +
                     kMdeLinuxPrerequisitesUrl + ").",
                 "Disable fapolicyd, or run Defender for Endpoint in passive mode.");
  }
}

}  // namespace

void AddBootFindings(const std::vector<BootProduct>& products, bool live, const OsRelease* os,
                     FanotifyFindings& findings) {
  for (const BootProduct& found : products) {
    const CatalogProduct& product = *found.product;
    if (product.classification == Classification::kMde) continue;
    if (live && found.running) continue;  // the holder scan already judged the running product
    const bool enabled = !found.enabled_by.empty() && !found.masked;
    if (product.classification == Classification::kAllowed) {
      AddFapolicydBoot(found, enabled, os, findings);
      continue;
    }
    const std::string where = " (" + Where(found) + ")";
    if (enabled && found.blocks) {
      findings.Add(live ? Status::kWarn : Status::kFail,
                   product.name + " is installed and enabled to start at boot" + where +
                       (live ? " but is not running now; when it starts it will hold a fanotify "
                               "group that blocks file access."
                             : ", so the machine booted from this image will run it with a "
                               "fanotify group that blocks file access."),
                   Disable(found));
    } else if (enabled) {
      findings.Add(Status::kWarn,
                   product.name + " is installed and enabled" + where +
                       " with blocking off; turning that setting on would block file access "
                       "next to Defender for Endpoint.",
                   "Keep the blocking setting off, or remove " + product.name + ".");
    } else if (product.install->units.empty()) {
      findings.Add(Status::kWarn,
                   product.name + " is installed" + where +
                       "; it holds a fanotify group that blocks file access whenever it runs.",
                   Disable(found));
    } else {
      findings.Add(Status::kWarn,
                   product.name + " is installed but not enabled" + where +
                       "; enabling it would put a fanotify user next to Defender for Endpoint.",
                   Disable(found));
    }
  }
}

}  // namespace preflight

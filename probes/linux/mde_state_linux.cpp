#include "probes/linux/mde_state_linux.h"

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "platform/file_system.h"
#include "platform/process_runner.h"
#include "platform/service_manager.h"
#include "probes/common/mdatp_config.h"
#include "probes/common/mdatp_health.h"
#include "probes/linux/package_query.h"

namespace preflight {
namespace {

using std::chrono::milliseconds;
using Json = nlohmann::json;

// Paths: reference linux.md sections 2.2 and 2.4; /usr/bin/mdatp is a symlink to
// sbin/wdavdaemonclient (defender-docs linux-support-install, "command not found").
constexpr const char* kDaemon = "/opt/microsoft/mdatp/sbin/wdavdaemon";
constexpr const char* kCliLink = "/usr/bin/mdatp";
constexpr const char* kCliBinary = "/opt/microsoft/mdatp/sbin/wdavdaemonclient";
constexpr const char* kOnboardFile = kMdatpOnboardFile;
constexpr const char* kOffboardFile = "/etc/opt/microsoft/mdatp/mdatp_offboard.json";
constexpr const char* kManagedFile = kMdatpManagedFile;
constexpr const char* kPackage = "mdatp";

// The onboarding file is ~7 KiB (orgId blob, signature, certificate chain).
constexpr std::size_t kMaxOnboardingBytes = std::size_t{64} * 1024;
// mdatp_managed.json is a small settings document; 256 KiB bounds a hostile one.
constexpr std::size_t kMaxManagedBytes = std::size_t{256} * 1024;
// `mdatp health --output json` prints ~2 KiB; 256 KiB bounds a misbehaving tool.
constexpr std::size_t kMaxHealthOutput = std::size_t{256} * 1024;
// mdatp health asks the daemon, which can take many seconds while it starts or updates.
constexpr milliseconds kHealthTimeout{30'000};

milliseconds Budget(const Context& ctx, milliseconds wanted) {
  return std::min(wanted, ctx.Remaining());
}

// Under --root an absolute symlink (/usr/bin/mdatp -> /opt/...) must resolve inside the tree, not
// on the machine running the agent.
bool PathPresent(const FileSystem& fs, const std::string& path) {
  if (!fs.IsLiveRoot()) {
    const Result<std::string> target = fs.ReadLink(path);
    if (target.Ok()) {
      const std::string& to = target.Value();
      if (to.empty()) return false;
      return fs.Exists(to.front() == '/' ? to : path.substr(0, path.rfind('/') + 1) + to);
    }
  }
  return fs.Exists(path);
}

// Whether the mdatp package is installed, from the tree's package database (dpkg or rpm).
std::optional<bool> ReadPackage(const Context& ctx, MdeState& state) {
  Json& package = state.evidence["package"];
  const PackageQuery query = QueryPackages(ctx, {kPackage});
  if (query.manager.empty()) {
    state.notes.push_back(
        "neither a dpkg nor an rpm database is present; whether MDE is installed is judged "
        "from its files");
    return std::nullopt;
  }
  package = {{"manager", query.manager}, {"database", query.database}};
  if (!query.Read()) {
    package["error"] = query.error;
    state.notes.push_back(query.error);
    return std::nullopt;
  }
  const PackageAnswer* installed = query.Installed(kPackage);
  if (installed == nullptr) {
    const std::string& recorded = query.packages.at(kPackage).state;
    // dpkg keeps a removed package's entry ("deinstall config-files"); its last word is the state.
    package["state"] =
        recorded.empty() ? "not-installed" : recorded.substr(recorded.rfind(' ') + 1);
    if (!recorded.empty()) {
      state.notes.push_back("dpkg records the mdatp package as '" + recorded + "', not installed");
    }
    return false;
  }
  state.package_version = installed->version;
  package["state"] = "installed";
  package["version"] = installed->version;
  return true;
}

// Runs mdatp health: JSON first, the field output when this mdatp predates --output json.
void ReadHealth(const Context& ctx, const std::string& cli, MdeState& state) {
  MdatpHealth health;
  for (const bool json : {true, false}) {
    const milliseconds budget = Budget(ctx, kHealthTimeout);
    if (budget.count() <= 0) {
      state.health_error = "no time was left in the run to ask mdatp health";
      return;
    }
    std::vector<std::string> argv = {cli, "health"};
    if (json) argv.insert(argv.end(), {"--output", "json"});
    const Result<ProcessOutput> run = ctx.processes.Run(argv, budget, kMaxHealthOutput);
    if (!run.Ok()) {
      state.health_timed_out = run.Err().kind == ErrorKind::kTimeout;
      state.health_error =
          state.health_timed_out
              ? "mdatp health did not answer within " + std::to_string(budget.count() / 1000) + " s"
              : "mdatp health could not run: " + run.Err().message;
      return;
    }
    // An unhealthy product may exit non-zero and still print its health, so parse regardless.
    health = json ? ParseMdatpHealthJson(run.Value().out) : ParseMdatpHealthFields(run.Value().out);
    if (health.parsed) {
      state.health_source = json ? "json" : "fields";
      break;
    }
    state.health_error = "mdatp health gave no usable output (exit code " +
                         std::to_string(run.Value().exit_code) + ", " + health.error + ")";
  }
  if (!health.parsed) return;
  state.health_error.clear();
  state.healthy = health.healthy;
  state.licensed = health.licensed;
  state.passive_mode = health.passive_mode_enabled;
  state.real_time_protection = health.real_time_protection_enabled;
  state.health_issues = health.health_issues;
  state.conflicting_applications = health.conflicting_applications;
  state.org_id = health.org_id;
  state.machine_id = health.edr_machine_id;
  if (!health.app_version.empty()) state.version = health.app_version;
  state.release_ring = health.release_ring;
  state.definitions_status = health.definitions_status;
  if (!state.healthy) state.notes.push_back("mdatp health did not report `healthy`");
}

enum class Onboarding { kParsed, kAbsent, kUnusable, kUnreadable };

// The onboarding file, which mde_installer.sh's verify_mdatp_installed takes as "onboarded".
Onboarding ReadOnboarding(const Context& ctx, MdeState& state) {
  Json& evidence = state.evidence["onboarding"];
  const Result<std::string> text = ctx.fs.ReadFile(kOnboardFile, kMaxOnboardingBytes);
  if (!text.Ok()) {
    if (text.Err().kind == ErrorKind::kNotFound) {
      evidence = {{"file", false}};
      return Onboarding::kAbsent;
    }
    // Too large still means the file is there; a permission error leaves it unknown.
    state.onboarding_file = text.Err().kind == ErrorKind::kTooLarge;
    state.notes.push_back("cannot read the onboarding file: " + text.Err().message);
    evidence = {{"file", state.onboarding_file}, {"error", text.Err().message}};
    return state.onboarding_file ? Onboarding::kUnusable : Onboarding::kUnreadable;
  }
  state.onboarding_file = true;
  const OnboardingInfo info = ParseOnboardingFile(text.Value());
  evidence = {{"file", true}};
  if (!info.parsed) {
    evidence["error"] = info.error;
    state.notes.push_back(std::string(kOnboardFile) + " is present but unusable: " + info.error);
    return Onboarding::kUnusable;
  }
  evidence.update({{"org_id", info.org_id},
                   {"datacenter", info.datacenter},
                   {"geo_location_url", info.geo_location_url},
                   {"device_type", info.device_type}});
  if (state.org_id.empty()) state.org_id = info.org_id;
  return Onboarding::kParsed;
}

void ReadManagedConfig(const Context& ctx, MdeState& state) {
  const Result<std::string> text = ctx.fs.ReadFile(kManagedFile, kMaxManagedBytes);
  if (!text.Ok()) {
    if (text.Err().kind != ErrorKind::kNotFound) {
      state.notes.push_back("cannot read the managed configuration: " + text.Err().message);
    }
    return;
  }
  const ManagedConfig config = ParseManagedConfig(text.Value());
  Json& evidence = state.evidence["managed_config"];
  evidence = {{"file", kManagedFile}};
  if (!config.parsed) {
    evidence["error"] = config.error;
    state.notes.push_back(std::string(kManagedFile) + " is not usable: " + config.error);
    return;
  }
  state.proxy = config.proxy;
  if (!config.proxy.empty()) evidence["proxy"] = config.proxy;
  if (config.proxy_has_credentials) {
    evidence["proxy_has_credentials"] = true;
    state.notes.push_back(
        "the managed proxy carries credentials; MDE does not support "
        "authenticated proxies (linux-static-proxy-configuration)");
  }
}

// mdatp health is authoritative ("missing license", licensed); without it the onboarding file
// decides, as in mde_installer.sh verify_mdatp_installed.
std::optional<bool> DecideOnboarded(MdeState& state, Onboarding onboarding) {
  if (state.installed == false) return false;
  const bool missing_license = std::find(state.health_issues.begin(), state.health_issues.end(),
                                         "missing license") != state.health_issues.end();
  if (missing_license) return false;
  if (state.licensed) return *state.licensed;
  switch (onboarding) {
    case Onboarding::kParsed:
      return true;
    case Onboarding::kAbsent:
      return false;
    case Onboarding::kUnusable:
    case Onboarding::kUnreadable:
      break;
  }
  state.notes.push_back(
      "onboarding state unknown: mdatp health did not say and the onboarding "
      "file could not be used");
  return std::nullopt;
}

}  // namespace

MdeState ReadLinuxMdeState(const Context& ctx) {
  MdeState state;
  const std::optional<bool> package_installed = ReadPackage(ctx, state);
  const bool daemon = PathPresent(ctx.fs, kDaemon);
  std::string cli;
  for (const char* path : {kCliLink, kCliBinary}) {
    if (PathPresent(ctx.fs, path)) {
      cli = path;
      break;
    }
  }
  state.cli_present = !cli.empty();
  state.evidence["files"] = {{"wdavdaemon", daemon}, {"cli", cli.empty() ? Json() : Json(cli)}};
  if (package_installed) {
    state.installed = *package_installed;
    if (!*package_installed && daemon) {
      state.notes.push_back(
          "the mdatp package is not installed but /opt/microsoft/mdatp still "
          "holds MDE files");
    }
  } else if (daemon || state.cli_present || ctx.live) {
    state.installed = daemon || state.cli_present;
  }
  // A tree without a package database and without MDE's files may be no system at all (an empty
  // or unpacked-elsewhere directory): "not installed" would be a guess, so it stays unknown.
  state.version = state.package_version;

  if (state.installed == true) {
    if (!ctx.live) {
      state.health_error = "mdatp health is not run when inspecting a file tree (--root)";
    } else if (!state.cli_present) {
      state.health_error = "the mdatp command is missing, so health cannot be asked";
    } else {
      ReadHealth(ctx, cli, state);
    }
    if (!state.health_error.empty()) state.notes.push_back(state.health_error);
  }
  const auto optional = [](const std::optional<bool>& value) {
    return value ? Json(*value) : Json();
  };
  const auto text = [](const std::string& value) { return value.empty() ? Json() : Json(value); };
  state.evidence["health"] = {{"source", text(state.health_source)},
                              {"error", text(state.health_error)},
                              {"timed_out", state.health_timed_out},
                              {"healthy", optional(state.healthy)},
                              {"licensed", optional(state.licensed)},
                              {"passive_mode", optional(state.passive_mode)},
                              {"real_time_protection", optional(state.real_time_protection)},
                              {"release_ring", text(state.release_ring)},
                              {"definitions_status", text(state.definitions_status)}};

  const Onboarding onboarding = ReadOnboarding(ctx, state);
  state.offboarding_file = ctx.fs.Exists(kOffboardFile);
  if (state.offboarding_file) {
    state.evidence["offboarding_file"] = true;
    state.notes.push_back(std::string(kOffboardFile) +
                          " is present: the device was offboarded or offboarding is pending");
  }
  state.onboarded = DecideOnboarded(state, onboarding);
  ReadManagedConfig(ctx, state);

  if (ctx.live && state.installed != false && ctx.services.Available()) {
    const Result<ServiceStatus> service = ctx.services.Query(kPackage);
    if (service.Ok()) {
      state.service_state = ServiceStateName(service.Value().state);
      state.evidence["service"] = {
          {"name", kPackage}, {"state", state.service_state}, {"detail", service.Value().detail}};
    } else {
      state.notes.push_back("cannot query the mdatp service: " + service.Err().message);
    }
  }
  return state;
}

}  // namespace preflight

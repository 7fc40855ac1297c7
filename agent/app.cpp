#include "agent/app.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <iostream>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "agent/check_list.h"
#include "agent/check_registry.h"
#include "agent/cloud_session.h"
#include "agent/host_info.h"
#include "agent/options.h"
#include "agent/platform_defaults.h"
#include "agent/publish.h"
#include "agent/render_html.h"
#include "agent/render_text.h"
#include "agent/report.h"
#include "agent/runner.h"
#include "agent/service_host.h"
#include "agent/service_loop.h"
#include "agent/session.h"
#include "platform/atomic_file.h"
#include "platform/clock.h"
#include "platform/environment.h"
#include "platform/file_system.h"
#include "platform/stop_signal.h"
#include "platform/terminal.h"

#ifndef PREFLIGHT_VERSION
#define PREFLIGHT_VERSION "0.0.0"
#endif

namespace preflight {
namespace {

// Config files are a few hundred bytes; a larger one is a mistake, not a config.
constexpr std::size_t kMaxConfigBytes = std::size_t{1024} * 1024;

using CheckList = std::vector<std::shared_ptr<const Check>>;

int UsageError(const std::string& message) {
  std::cerr << "mde-preflight: " << message << "\n"
            << "Run 'mde-preflight --help' for usage.\n";
  return kExitUsage;
}

// The agent's own config is read from the real file system, never from under --root. A file named
// by --config or MDE_PREFLIGHT_CONFIG must be there; the default one may be missing.
Result<Settings> LoadConfig(const std::optional<std::string>& named, const Environment& env,
                            std::string& used_path) {
  std::string path = named.value_or(DefaultConfigPath(env));
  // The file system below reads paths from "/", so a relative --config is made absolute against
  // the working directory first, as a user typing it means; the service's reload reads it again.
  std::error_code ec;
  if (const auto absolute = std::filesystem::absolute(path, ec); !ec) path = absolute.string();
  auto text = MakeFileSystem("/")->ReadFile(path, kMaxConfigBytes);
  if (!text.Ok()) {
    if (!named && text.Err().kind == ErrorKind::kNotFound) return Settings{};
    return MakeError(ErrorKind::kInvalid, "cannot read config file: " + text.Err().message);
  }
  auto settings = ParseConfig(text.Value());
  if (!settings.Ok()) {
    return MakeError(ErrorKind::kInvalid, path + ": " + settings.Err().message);
  }
  used_path = path;
  return settings;
}

// network.mde's private endpoint list and expected roots: small text files, read like the config
// (from the real file system, relative paths against the working directory).
Result<std::string> ReadNetworkFile(const std::string& path, const char* setting) {
  if (path.empty()) return std::string();
  std::string absolute = path;
  std::error_code ec;
  if (const auto full = std::filesystem::absolute(path, ec); !ec) absolute = full.string();
  auto text = MakeFileSystem("/")->ReadFile(absolute, kMaxConfigBytes);
  if (!text.Ok()) {
    return MakeError(ErrorKind::kInvalid, std::string(setting) + ": " + text.Err().message);
  }
  return text;
}

Result<Done> LoadNetworkFiles(Options& options) {
  auto endpoints = ReadNetworkFile(options.network_endpoints_file, "network_endpoints_file");
  if (!endpoints.Ok()) return endpoints.Err();
  auto roots = ReadNetworkFile(options.network_expected_roots_file, "network_expected_roots_file");
  if (!roots.Ok()) return roots.Err();
  options.network_endpoints_text = std::move(endpoints).Value();
  options.network_expected_roots_text = std::move(roots).Value();
  return Done{};
}

NetworkSettings NetworkSettingsOf(const Options& options) {
  NetworkSettings network;
  network.endpoints_path = options.network_endpoints_file;
  network.endpoints_text = options.network_endpoints_text;
  network.roots_path = options.network_expected_roots_file;
  network.roots_text = options.network_expected_roots_text;
  network.geography = options.mde_geography;
  network.timeout = options.network_timeout;
  return network;
}

Result<Options> LoadOptions(const CommandLine& line, const Environment& env) {
  auto env_settings = SettingsFromEnvironment(env);
  if (!env_settings.Ok()) return env_settings.Err();
  auto named_config = line.flags.Get<std::string>("config");
  if (!named_config) named_config = env_settings.Value().Get<std::string>("config");
  std::string config_path;
  auto file_settings = LoadConfig(named_config, env, config_path);
  if (!file_settings.Ok()) return file_settings.Err();
  auto resolved = ResolveOptions(file_settings.Value(), env_settings.Value(), line.flags);
  if (!resolved.Ok()) return resolved.Err();
  Options options = std::move(resolved).Value();
  options.config_path = config_path;
  if (options.report_path.empty()) options.report_path = DefaultReportPath(env);
  if (auto files = LoadNetworkFiles(options); !files.Ok()) return files.Err();
  if (options.root != "/") {
    std::error_code ec;
    const std::filesystem::path root = std::filesystem::absolute(options.root, ec);
    if (ec || !std::filesystem::is_directory(root, ec)) {
      return MakeError(ErrorKind::kInvalid, "--root " + options.root + " is not a directory");
    }
    // The file system maps absolute paths below the root, so the root itself must be absolute.
    options.root = root.lexically_normal().string();
  }
  return options;
}

// This platform's checks, narrowed by --only; unknown ids are usage errors (check_registry.h).
Result<CheckList> SelectChecks(const Options& options) {
  return SelectPlatformChecks(options.only, options.ignore);
}

struct ProducedReport {
  nlohmann::json report;
  bool any_failed = false;
};

ProducedReport ProduceReport(const Options& options, const CheckList& checks) {
  const Clock& clock = SystemClock();
  const auto started_wall = clock.WallNow();
  const auto started = clock.SteadyNow();
  CloudOptions cloud;
  cloud.imds_endpoint = options.imds_endpoint;
  cloud.arm_endpoint = options.arm_endpoint;
  cloud.client_id = options.client_id;
  cloud.designated_subscription = options.designated_subscription;
  const auto session = Session::Create(options.root, options.offline, started + options.timeout,
                                       cloud, NetworkSettingsOf(options));
  const Context& ctx = session->Ctx();
  RunOutcome outcome =
      RunChecks(checks, session->SharedContext(session), RunPolicy{options.ignore});

  ReportInputs inputs;
  inputs.agent_version = PREFLIGHT_VERSION;
  inputs.generated_at = started_wall;
  inputs.host = CollectHost(ctx);
  inputs.environment = EnvironmentReport(DetectEnvironmentLocally(ctx), session->Cloud());
  inputs.os_family = OsFamily();
  inputs.runs = std::move(outcome.runs);
  inputs.duration =
      std::chrono::duration_cast<std::chrono::milliseconds>(clock.SteadyNow() - started);
  ProducedReport produced;
  produced.any_failed = AnyFailed(inputs.runs);
  produced.report = BuildReport(inputs);
  if (options.publish_tags) {
    // After the report is complete: the tags carry its verdict. A refusal is in `publish`.
    produced.report["publish"] = PublishReadinessTags(produced.report, ctx.cloud);
  }
  return produced;
}

int RunCheck(const CommandLine& line, const Environment& env) {
  auto options = LoadOptions(line, env);
  if (!options.Ok()) return UsageError(options.Err().message);
  spdlog::set_level(options.Value().verbosity > 0 ? spdlog::level::debug : spdlog::level::warn);
  auto checks = SelectChecks(options.Value());
  if (!checks.Ok()) return UsageError(checks.Err().message);

  const Options& o = options.Value();
  const ProducedReport produced = ProduceReport(o, checks.Value());
  std::string rendered;
  if (o.format == OutputFormat::kJson) {
    rendered = ReportJsonText(produced.report);
  } else if (o.format == OutputFormat::kHtml) {
    rendered = RenderHtml(produced.report);
  } else {
    const bool color = o.output.empty() && StdoutIsTerminal() && !env.Get("NO_COLOR").has_value();
    rendered = RenderText(produced.report, color);
  }
  if (o.output.empty()) {
    std::cout << rendered << std::flush;
  } else if (auto written = WriteFileAtomic(o.output, rendered); !written.Ok()) {
    std::cerr << "mde-preflight: " << written.Err().message << "\n";
    return kExitInternal;
  }
  return produced.any_failed ? kExitFailed : kExitOk;
}

// `mde-preflight checks`: what the registry declares; no config file or environment is read.
int ListChecks(const CommandLine& line) {
  const auto format = line.flags.Get<OutputFormat>("format").value_or(OutputFormat::kText);
  if (format == OutputFormat::kHtml) return UsageError("'checks' prints text or json, not html");
  std::cout << (format == OutputFormat::kJson ? CheckListJson().dump(2) + "\n" : CheckListText());
  return kExitOk;
}

// The service: the loop (service_loop.h) with this agent's config and report.
int RunService(const CommandLine& line, const Environment& env) {
  StopSignal::Install();
  ServiceHooks hooks;
  hooks.load = [&]() -> Result<ServiceConfig> {
    auto options = LoadOptions(line, env);
    if (!options.Ok()) return options.Err();
    auto checks = SelectChecks(options.Value());
    if (!checks.Ok()) return checks.Err();
    return ServiceConfig{std::move(options).Value(), std::move(checks).Value()};
  };
  hooks.check = [](const ServiceConfig& config) {
    return ProduceReport(config.options, config.checks).report;
  };
  return RunServiceLoop(hooks, env);
}

}  // namespace

int RunApp(const std::vector<std::string>& args) {
  auto env = MakeEnvironment();
  auto logger = spdlog::stderr_color_mt("mde-preflight");
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::warn);
  try {
    auto line = ParseCommandLine(args);
    if (!line.Ok()) return UsageError(line.Err().message);
    switch (line.Value().command) {
      case Command::kHelp:
        std::cout << UsageText();
        return kExitOk;
      case Command::kVersion:
        std::cout << "mde-preflight " << PREFLIGHT_VERSION << "\n";
        return kExitOk;
      case Command::kCheck:
        return RunCheck(line.Value(), *env);
      case Command::kChecks:
        return ListChecks(line.Value());
      case Command::kService:
        return RunServiceHost([&] { return RunService(line.Value(), *env); });
      case Command::kServiceInstall:
        return InstallService(line.Value().flags.Get<std::string>("config"));
      case Command::kServiceUninstall:
        return UninstallService();
    }
  } catch (const std::exception& e) {
    std::cerr << "mde-preflight: internal error: " << e.what() << "\n";
  }
  return kExitInternal;
}

}  // namespace preflight

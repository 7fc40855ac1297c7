#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "platform/result.h"

namespace preflight {

class Environment;

enum class OutputFormat { kText, kJson, kHtml };

// kServiceInstall / kServiceUninstall register the agent with the platform's service manager
// (`mde-preflight service install|uninstall`; the Windows SCM, a pointer to the packages on Linux).
// kChecks lists every check of every platform (`mde-preflight checks`).
enum class Command {
  kCheck,
  kChecks,
  kService,
  kServiceInstall,
  kServiceUninstall,
  kVersion,
  kHelp
};

// The effective options of one run. Each field is one setting of the table in options.cpp, which
// declares its flag, environment variable, config key, type, default and help once;
// ResolveOptions fills every field.
struct Options {
  OutputFormat format = OutputFormat::kText;
  std::string output;  // empty: standard output
  std::string root;
  bool offline = false;
  std::vector<std::string> only;    // lower-cased check ids; empty: all
  std::vector<std::string> ignore;  // lower-cased check ids, or just "all"
  std::string imds_endpoint;
  std::string arm_endpoint;
  std::string client_id;                // empty: AZURE_CLIENT_ID, else system-assigned
  std::string designated_subscription;  // empty: none configured
  std::chrono::seconds timeout{0};
  int verbosity = 0;
  std::string config_path;  // --config or MDE_PREFLIGHT_CONFIG; after LoadOptions, the file read
  std::chrono::minutes interval{0};
  std::chrono::seconds interval_seconds{0};  // 0: not set, interval applies
  std::string report_path;                   // empty: the platform default (DefaultReportPath)
  bool publish_tags = false;                 // --publish-tags: agent/publish.h
  // network.mde (README "Network endpoints"): private lists instead of the built-in ones.
  std::string network_endpoints_file;
  std::string network_expected_roots_file;
  std::string mde_geography;  // empty: the onboarding information's, else "us"
  std::chrono::seconds network_timeout{0};
  // The two files' contents, read by LoadOptions (app.cpp) so that an unreadable one is a usage
  // error, and re-read with the config when the service reloads.
  std::string network_endpoints_text;
  std::string network_expected_roots_text;
};

// One setting's value as a source gave it, already validated.
using SettingValue = std::variant<bool, int, std::string, std::vector<std::string>, OutputFormat>;

// One source's settings (flags, environment or config file) by setting name ("timeout"); a setting
// a source leaves out defers to the next. Precedence (DESIGN.md): flags > environment > file >
// defaults.
class Settings {
 public:
  const SettingValue* Find(std::string_view name) const;
  template <class T>
  std::optional<T> Get(std::string_view name) const {
    const SettingValue* value = Find(name);
    if (value == nullptr || !std::holds_alternative<T>(*value)) return std::nullopt;
    return std::get<T>(*value);
  }
  void Set(std::string_view name, SettingValue value);
  bool Empty() const { return values_.empty(); }

 private:
  std::map<std::string, SettingValue, std::less<>> values_;
};

struct CommandLine {
  Command command = Command::kHelp;
  Settings flags;
};

// Parses argv (without the program name). Errors are usage errors (exit code 2).
Result<CommandLine> ParseCommandLine(const std::vector<std::string>& args);

// Parses a config file's JSON text. Unknown keys and wrong types are errors.
Result<Settings> ParseConfig(const std::string& text);

// MDE_PREFLIGHT_* variables; malformed values are errors.
Result<Settings> SettingsFromEnvironment(const Environment& env);

// Layers the sources over the defaults and validates the result (check id lists, `all` standing
// alone).
Result<Options> ResolveOptions(const Settings& file, const Settings& env, const Settings& flags);

// The service's time between two checks: interval_seconds when set, else interval_minutes.
std::chrono::seconds ServiceInterval(const Options& options);

// Splits "a,B, c" into lower-cased, trimmed, non-empty ids.
std::vector<std::string> SplitIdList(const std::string& text);

// `mde-preflight --help`: the commands, then every setting from the table.
std::string UsageText();

}  // namespace preflight

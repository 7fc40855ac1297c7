#include "agent/options.h"

#include <algorithm>
#include <charconv>
#include <type_traits>

#include <nlohmann/json.hpp>

#include "agent/settings_table.h"
#include "platform/environment.h"
#include "platform/text.h"

namespace preflight {
namespace settings {
namespace {

// A whole run must end in bounded time; a day is more than any sane deadline.
constexpr int kMaxTimeoutSeconds = 24 * 60 * 60;
// The service re-checks no more often than every 5 minutes (a run reads all of /proc and may run
// mdatp health) and at least weekly.
constexpr int kMinIntervalMinutes = 5;
constexpr int kMaxIntervalMinutes = 7 * 24 * 60;
// interval_seconds is for tests and demonstrations (a cycle in seconds); it has the same ceiling.
constexpr int kMaxIntervalSeconds = kMaxIntervalMinutes * 60;
// The network probes share one deadline; two minutes is more than any proxy needs to answer.
constexpr int kMaxNetworkTimeoutSeconds = 120;

// Every setting, once. Help lines are written for `--help` (UsageText); the order is its order.
const Setting kSettings[] = {
    {.name = "format",
     .flag = "--format",
     .key = "format",
     .kind = Kind::kFormat,
     .target = &Options::format,
     .fallback = "text",
     .value_name = "text|json|html",
     .help = "report format",
     .commands = kCheck | kChecks},
    {.name = "output",
     .flag = "-o,--output",
     .kind = Kind::kPath,
     .target = &Options::output,
     .value_name = "FILE",
     .help = "write the report to FILE (atomically) instead of standard output"},
    {.name = "root",
     .flag = "--root",
     .kind = Kind::kPath,
     .target = &Options::root,
     .fallback = "/",
     .value_name = "DIR",
     .help = "inspect the file tree DIR as if it were / (an image or a fixture); checks that "
             "need the live kernel read DIR/proc or report skip"},
    {.name = "offline",
     .flag = "--offline",
     .env = "MDE_PREFLIGHT_OFFLINE",
     .key = "offline",
     .kind = Kind::kSwitch,
     .target = &Options::offline,
     .fallback = "false",
     .help = "do not use the network"},
    {.name = "only",
     .flag = "--only",
     .env = "MDE_PREFLIGHT_ONLY",
     .key = "only",
     .kind = Kind::kIdList,
     .target = &Options::only,
     .value_name = "ID,...",
     .help = "run only these checks ('mde-preflight checks' lists them)"},
    {.name = "ignore",
     .flag = "--ignore",
     .env = "MDE_PREFLIGHT_IGNORE",
     .key = "ignore",
     .kind = Kind::kIdList,
     .target = &Options::ignore,
     .value_name = "ID,...|all",
     .help = "turn these checks' failures into warnings (still reported); ids of every "
             "platform are accepted",
     .flags_add_up = true},
    {.name = "config",
     .flag = "--config",
     .env = "MDE_PREFLIGHT_CONFIG",
     .kind = Kind::kPath,
     .target = &Options::config_path,
     .value_name = "FILE",
     .help = "config file, if present by default: /etc/mde-preflight/config.json, "
             "%ProgramData%\\mde-preflight\\config.json on Windows",
     .commands = kCheck | kService | kServiceInstall},
    {.name = "imds_endpoint",
     .flag = "--imds-endpoint",
     .key = "imds_endpoint",
     .kind = Kind::kText,
     .target = &Options::imds_endpoint,
     .value_name = "URL",
     .help = "Azure Instance Metadata Service address (tests, private clouds)"},
    {.name = "arm_endpoint",
     .flag = "--arm-endpoint",
     .key = "arm_endpoint",
     .kind = Kind::kText,
     .target = &Options::arm_endpoint,
     .value_name = "URL",
     .help = "Azure Resource Manager address (tests, private clouds)"},
    {.name = "timeout",
     .flag = "--timeout",
     .env = "MDE_PREFLIGHT_TIMEOUT",
     .key = "timeout_seconds",
     .kind = Kind::kNumber,
     .target = &Options::timeout,
     .fallback = "60",
     .value_name = "SECONDS",
     .help = "deadline for the whole run",
     .min = 1,
     .max = kMaxTimeoutSeconds},
    {.name = "publish_tags",
     .flag = "--publish-tags",
     .env = "MDE_PREFLIGHT_PUBLISH_TAGS",
     .key = "publish_tags",
     .kind = Kind::kSwitch,
     .target = &Options::publish_tags,
     .fallback = "false",
     .help = "merge the verdict into the machine's own Azure tags (mdeReadiness, "
             "mdeReadinessAt, mdeReadinessBlocking); needs Tag Contributor"},
    {.name = "network_endpoints_file",
     .env = "MDE_PREFLIGHT_NETWORK_ENDPOINTS",
     .key = "network_endpoints_file",
     .kind = Kind::kPath,
     .target = &Options::network_endpoints_file,
     .value_name = "FILE",
     .help = "network.mde: probe the https URLs listed in FILE (one a line) instead of the "
             "built-in MDE endpoint sets"},
    {.name = "network_expected_roots_file",
     .env = "MDE_PREFLIGHT_NETWORK_EXPECTED_ROOTS",
     .key = "network_expected_roots_file",
     .kind = Kind::kPath,
     .target = &Options::network_expected_roots_file,
     .value_name = "FILE",
     .help = "network.mde: the roots (SPKI SHA-256, JSON) a chain must end at instead of the "
             "built-in ones (sovereign clouds, tests)"},
    {.name = "mde_geography",
     .key = "mde_geography",
     .kind = Kind::kText,
     .target = &Options::mde_geography,
     .value_name = "GEO",
     .help = "network.mde: the MDE geography whose endpoints are probed (us, eu, uk, au) when "
             "the onboarding information does not name one"},
    {.name = "network_timeout",
     .env = "MDE_PREFLIGHT_NETWORK_TIMEOUT",
     .key = "network_timeout_seconds",
     .kind = Kind::kNumber,
     .target = &Options::network_timeout,
     .fallback = "10",
     .value_name = "SECONDS",
     .help = "network.mde: one deadline for all endpoint probes",
     .min = 1,
     .max = kMaxNetworkTimeoutSeconds},
    {.name = "verbose",
     .flag = "-v,--verbose",
     .key = "verbose",
     .kind = Kind::kCount,
     .target = &Options::verbosity,
     .fallback = "0",
     .help = "debug logging on standard error",
     .commands = kCheck | kService},
    {.name = "client_id",
     .key = "client_id",
     .kind = Kind::kText,
     .target = &Options::client_id,
     .value_name = "ID",
     .help = "a user-assigned managed identity (else AZURE_CLIENT_ID, else the system-assigned "
             "one)"},
    {.name = "designated_subscription",
     .env = "MDE_PREFLIGHT_DESIGNATED_SUBSCRIPTION",
     .key = "designated_subscription",
     .kind = Kind::kText,
     .target = &Options::designated_subscription,
     .value_name = "ID",
     .help = "the subscription designated for direct onboarding (servers outside Azure)"},
    {.name = "interval",
     .key = "interval_minutes",
     .kind = Kind::kNumber,
     .target = &Options::interval,
     .fallback = "360",
     .value_name = "MINUTES",
     .help = "service: the time between two checks (plus a random delay of up to a tenth of "
             "it, at most 1 hour)",
     .min = kMinIntervalMinutes,
     .max = kMaxIntervalMinutes},
    {.name = "interval_seconds",
     .key = "interval_seconds",
     .kind = Kind::kNumber,
     .target = &Options::interval_seconds,
     .value_name = "SECONDS",
     .help = "service: the time between two checks in seconds, used instead of "
             "interval_minutes when set (short cycles for tests and demonstrations)",
     .min = 1,
     .max = kMaxIntervalSeconds},
    {.name = "report_path",
     .key = "report_path",
     .kind = Kind::kPath,
     .target = &Options::report_path,
     .value_name = "FILE",
     .help = "service: where the JSON report is kept (default "
             "/var/lib/mde-preflight/report.json, %ProgramData%\\mde-preflight\\report.json on "
             "Windows)"},
};

const CommandSpec kCommands[] = {
    {Command::kCheck, "check", "check [options]",
     "inspect this machine and print a preflight report", kCheck, ""},
    {Command::kChecks, "checks", "checks [--format text|json]",
     "list every check of every platform: id, title, platforms", kChecks,
     "'checks' takes only --format"},
    {Command::kService, "service", "service [--config FILE] [-v]",
     "run in the foreground as a service: check every interval_minutes, keep the JSON report "
     "in report_path with report.html and history.jsonl beside it; SIGHUP reloads the config",
     kService, "'service' takes only --config and -v; put other settings in the config file"},
    {Command::kServiceInstall, "service install", "service install [--config FILE]",
     "Windows: register the service (automatic start, LocalSystem, restart on failure); run as "
     "administrator",
     kServiceInstall, "'service install' takes only --config (the file the service will read)"},
    {Command::kServiceUninstall, "service uninstall", "service uninstall",
     "Windows: stop the service and remove it", 0, "'service uninstall' takes no options"},
    {Command::kVersion, "version", "version", "print the agent version", 0,
     "'version' takes no arguments"},
    {Command::kHelp, "help", "--help", "show this text", 0, ""},
};

Error Usage(std::string message) { return MakeError(ErrorKind::kInvalid, std::move(message)); }

std::optional<int> ParseInt(const std::string& text) {
  int value = 0;
  const char* first = text.data();
  const char* last = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(first, last, value);
  if (ec != std::errc() || ptr != last) return std::nullopt;
  return value;
}

Result<SettingValue> ParseFormat(const std::string& text) {
  const std::string lower = ToLower(text);
  if (lower == "text") return SettingValue(OutputFormat::kText);
  if (lower == "json") return SettingValue(OutputFormat::kJson);
  if (lower == "html") return SettingValue(OutputFormat::kHtml);
  return Usage("unknown format '" + text + "' (use text, json or html)");
}

Result<SettingValue> ParseNumber(const Setting& setting, const std::string& text,
                                 const std::string& source) {
  const auto value = ParseInt(text);
  if (!value || *value < setting.min || *value > setting.max) {
    return Usage(source + " must be a whole number of " + ToLower(setting.value_name) + " from " +
                 std::to_string(setting.min) + " to " + std::to_string(setting.max) + ", not '" +
                 text + "'");
  }
  return SettingValue(*value);
}

Result<SettingValue> ParseBool(const std::string& text, const std::string& source) {
  const std::string lower = ToLower(text);
  if (lower == "1" || lower == "true" || lower == "yes") return SettingValue(true);
  if (lower == "0" || lower == "false" || lower == "no") return SettingValue(false);
  return Usage(source + " must be true or false, not '" + text + "'");
}

// A value from the config file; `source` names its key in errors.
Result<SettingValue> FromJson(const Setting& setting, const nlohmann::json& value,
                              const std::string& source) {
  const auto wrong = [&](const char* expected) { return Usage(source + " must be " + expected); };
  switch (setting.kind) {
    case Kind::kSwitch:
      if (!value.is_boolean()) return wrong("true or false");
      return SettingValue(value.get<bool>());
    case Kind::kCount:
      if (!value.is_boolean()) return wrong("true or false");
      return SettingValue(value.get<bool>() ? 1 : 0);
    case Kind::kText:
    case Kind::kPath:
    case Kind::kFormat:
      if (!value.is_string() || (setting.kind == Kind::kPath && value.get<std::string>().empty())) {
        return wrong(setting.kind == Kind::kPath ? "a non-empty string" : "a string");
      }
      return FromText(setting, value.get<std::string>(), source);
    case Kind::kIdList: {
      if (!value.is_array()) return wrong("an array of check ids");
      std::vector<std::string> ids;
      for (const auto& item : value) {
        if (!item.is_string()) return wrong("an array of check ids");
        for (auto& id : SplitIdList(item.get<std::string>())) ids.push_back(std::move(id));
      }
      return SettingValue(std::move(ids));
    }
    case Kind::kNumber:
      if (!value.is_number_integer()) return wrong("a whole number");
      return ParseNumber(setting, std::to_string(value.get<long long>()), source);
  }
  return wrong("valid");
}

// Puts a validated value into its Options field; the kinds and the fields' types agree by
// construction of the table (a unit test resolves every setting).
void Store(const Setting& setting, const SettingValue& value, Options& options) {
  std::visit(
      [&](auto member) {
        auto& field = options.*member;
        using Field = std::remove_reference_t<decltype(field)>;
        if constexpr (std::is_same_v<Field, std::chrono::seconds> ||
                      std::is_same_v<Field, std::chrono::minutes>) {
          field = Field(std::get<int>(value));
        } else {
          field = std::get<Field>(value);
        }
      },
      setting.target);
}

}  // namespace

std::span<const Setting> AllSettings() { return kSettings; }
std::span<const CommandSpec> AllCommands() { return kCommands; }

std::string LongFlag(const Setting& setting) {
  const std::string_view flag = setting.flag;
  const std::size_t comma = flag.rfind(',');
  return std::string(comma == flag.npos ? flag : flag.substr(comma + 1));
}

Result<SettingValue> FromText(const Setting& setting, const std::string& text,
                              const std::string& source) {
  switch (setting.kind) {
    case Kind::kSwitch:
      return ParseBool(text, source);
    case Kind::kCount:
    case Kind::kNumber:
      if (setting.kind == Kind::kCount) return SettingValue(ParseInt(text).value_or(0));
      return ParseNumber(setting, text, source);
    case Kind::kPath:
      if (text.empty()) return Usage(source + " needs a value");
      return SettingValue(text);
    case Kind::kText:
      return SettingValue(text);
    case Kind::kIdList:
      return SettingValue(SplitIdList(text));
    case Kind::kFormat:
      return ParseFormat(text);
  }
  return Usage(source + ": unknown kind of setting");
}

}  // namespace settings

using settings::AllSettings;
using settings::Setting;

const SettingValue* Settings::Find(std::string_view name) const {
  const auto found = values_.find(name);
  return found == values_.end() ? nullptr : &found->second;
}

void Settings::Set(std::string_view name, SettingValue value) {
  values_.insert_or_assign(std::string(name), std::move(value));
}

std::chrono::seconds ServiceInterval(const Options& options) {
  if (options.interval_seconds.count() > 0) return options.interval_seconds;
  return options.interval;
}

std::vector<std::string> SplitIdList(const std::string& text) {
  std::vector<std::string> ids;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = text.find(',', start);
    const std::string part = ToLower(
        Trim(text.substr(start, comma == std::string::npos ? std::string::npos : comma - start),
             kLineWhitespace));
    if (!part.empty()) ids.push_back(part);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return ids;
}

Result<Settings> ParseConfig(const std::string& text) {
  const nlohmann::json doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return settings::Usage("the config file is not valid JSON");
  if (!doc.is_object()) return settings::Usage("the config file must hold a JSON object");
  Settings found;
  for (const auto& item : doc.items()) {
    const std::string& key = item.key();
    const nlohmann::json& value = item.value();
    const auto setting =
        std::find_if(AllSettings().begin(), AllSettings().end(),
                     [&](const Setting& s) { return !s.key.empty() && s.key == key; });
    if (setting == AllSettings().end()) {
      std::string known;
      for (const Setting& s : AllSettings()) {
        if (s.key.empty()) continue;
        if (!known.empty()) known += ", ";
        known += s.key;
      }
      std::string message = "unknown config key '";
      message.append(key).append("' (known: ").append(known).append(")");
      return settings::Usage(message);
    }
    auto parsed = settings::FromJson(*setting, value, "config key '" + key + "'");
    if (!parsed.Ok()) return parsed.Err();
    found.Set(setting->name, std::move(parsed).Value());
  }
  return found;
}

Result<Settings> SettingsFromEnvironment(const Environment& env) {
  Settings found;
  for (const Setting& setting : AllSettings()) {
    if (setting.env.empty()) continue;
    const auto text = env.Get(std::string(setting.env));
    if (!text) continue;
    auto parsed = settings::FromText(setting, *text, std::string(setting.env));
    if (!parsed.Ok()) return parsed.Err();
    found.Set(setting.name, std::move(parsed).Value());
  }
  return found;
}

Result<Options> ResolveOptions(const Settings& file, const Settings& env, const Settings& flags) {
  Options options;
  for (const Setting& setting : AllSettings()) {
    const SettingValue* value = nullptr;
    for (const Settings* source : {&flags, &env, &file}) {
      if ((value = source->Find(setting.name)) != nullptr) break;
    }
    if (value != nullptr) {
      settings::Store(setting, *value, options);
    } else if (!setting.fallback.empty()) {
      auto fallback = settings::FromText(setting, std::string(setting.fallback), "a default");
      if (!fallback.Ok()) return fallback.Err();
      settings::Store(setting, fallback.Value(), options);
    }
  }
  // kubeadm's rule: `all` ignores everything and may only stand alone.
  const auto& ignore = options.ignore;
  if (std::find(ignore.begin(), ignore.end(), "all") != ignore.end() && ignore.size() > 1) {
    return settings::Usage("--ignore: 'all' may only stand alone");
  }
  if (std::find(options.only.begin(), options.only.end(), "all") != options.only.end()) {
    return settings::Usage("--only takes check ids; leave it out to run every check");
  }
  return options;
}

}  // namespace preflight

#include "agent/options.h"

#include <algorithm>
#include <charconv>

#include "platform/environment.h"
#include "platform/text.h"

namespace preflight {
namespace {

// A whole run must end in bounded time; a day is more than any sane deadline.
constexpr int kMaxTimeoutSeconds = 24 * 60 * 60;
// The service re-checks no more often than every 5 minutes (a run reads all of /proc and may run
// mdatp health) and at least weekly.
constexpr long long kMinIntervalMinutes = 5;
constexpr long long kMaxIntervalMinutes = 7 * 24 * 60;

Error Usage(std::string message) { return MakeError(ErrorKind::kInvalid, std::move(message)); }

std::optional<int> ParseInt(const std::string& text) {
  int value = 0;
  const char* first = text.data();
  const char* last = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(first, last, value);
  if (ec != std::errc() || ptr != last) return std::nullopt;
  return value;
}

Result<OutputFormat> ParseFormat(const std::string& text) {
  const std::string lower = ToLower(text);
  if (lower == "text") return OutputFormat::kText;
  if (lower == "json") return OutputFormat::kJson;
  if (lower == "html") return OutputFormat::kHtml;
  return Usage("unknown format '" + text + "' (use text, json or html)");
}

Result<int> ParseTimeout(const std::string& text, const std::string& source) {
  const auto value = ParseInt(text);
  if (!value || *value < 1 || *value > kMaxTimeoutSeconds) {
    return Usage(source + " must be a whole number of seconds from 1 to " +
                 std::to_string(kMaxTimeoutSeconds) + ", not '" + text + "'");
  }
  return *value;
}

Result<bool> ParseBool(const std::string& text, const std::string& source) {
  const std::string lower = ToLower(text);
  if (lower == "1" || lower == "true" || lower == "yes") return true;
  if (lower == "0" || lower == "false" || lower == "no") return false;
  return Usage(source + " must be true or false, not '" + text + "'");
}

// A flag's value: "--flag value" or "--flag=value".
struct FlagReader {
  const std::vector<std::string>& args;
  std::size_t i = 0;
  std::optional<std::string> inline_value;

  Result<std::string> Value(const std::string& name) {
    if (inline_value) return *inline_value;
    if (i + 1 >= args.size()) return Usage(name + " needs a value");
    return args[++i];
  }
};

}  // namespace

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

Result<CommandLine> ParseCommandLine(const std::vector<std::string>& args) {
  CommandLine line;
  if (args.empty()) return Usage("no command given");
  const std::string& command = args[0];
  if (command == "check") {
    line.command = Command::kCheck;
  } else if (command == "service") {
    line.command = Command::kService;
    if (args.size() > 1 && args[1] == "install") line.command = Command::kServiceInstall;
    if (args.size() > 1 && args[1] == "uninstall") {
      if (args.size() > 2) return Usage("'service uninstall' takes no options");
      line.command = Command::kServiceUninstall;
      return line;
    }
  } else if (command == "version" || command == "--version") {
    line.command = Command::kVersion;
    if (args.size() > 1) return Usage("'version' takes no arguments");
    return line;
  } else if (command == "help" || command == "--help" || command == "-h") {
    line.command = Command::kHelp;
    return line;
  } else {
    return Usage("unknown command '" + command + "'");
  }

  Settings& s = line.flags;
  const std::size_t first_flag = line.command == Command::kServiceInstall ? 2 : 1;
  FlagReader reader{args, first_flag, std::nullopt};
  for (reader.i = first_flag; reader.i < args.size(); ++reader.i) {
    std::string name = args[reader.i];
    reader.inline_value.reset();
    if (name.rfind("--", 0) == 0) {
      if (const auto eq = name.find('='); eq != std::string::npos) {
        reader.inline_value = name.substr(eq + 1);
        name.resize(eq);
      }
    }
    const auto value = [&]() { return reader.Value(name); };
    if (name == "--help" || name == "-h") {
      line.command = Command::kHelp;
      return line;
    }
    if (line.command == Command::kServiceInstall && name != "--config") {
      return Usage("'service install' takes only --config (the file the service will read)");
    }
    if (name == "-v" || name == "--verbose") {
      s.verbosity = s.verbosity.value_or(0) + 1;
      continue;
    }
    if (name == "--offline") {
      if (reader.inline_value) return Usage("--offline takes no value");
      s.offline = true;
      continue;
    }
    if (name == "--publish-tags") {
      if (reader.inline_value) return Usage("--publish-tags takes no value");
      s.publish_tags = true;
      continue;
    }
    auto v = value();
    if (!v.Ok()) return v.Err();
    const std::string& text = v.Value();
    if (line.command == Command::kService && name != "--config") {
      return Usage("'service' takes only --config and -v; put other settings in the config file");
    }

    if (name == "--format") {
      auto format = ParseFormat(text);
      if (!format.Ok()) return format.Err();
      s.format = format.Value();
    } else if (name == "--output" || name == "-o") {
      if (text.empty()) return Usage("--output needs a file name");
      s.output = text;
    } else if (name == "--root") {
      if (text.empty()) return Usage("--root needs a directory");
      s.root = text;
    } else if (name == "--only") {
      s.only = SplitIdList(text);
    } else if (name == "--ignore") {
      auto ids = s.ignore.value_or(std::vector<std::string>{});
      for (auto& id : SplitIdList(text)) ids.push_back(std::move(id));
      s.ignore = std::move(ids);
    } else if (name == "--config") {
      line.config_path = text;
    } else if (name == "--imds-endpoint") {
      s.imds_endpoint = text;
    } else if (name == "--arm-endpoint") {
      s.arm_endpoint = text;
    } else if (name == "--timeout") {
      auto timeout = ParseTimeout(text, "--timeout");
      if (!timeout.Ok()) return timeout.Err();
      s.timeout_seconds = timeout.Value();
    } else {
      return Usage("unknown option '" + name + "'");
    }
  }
  return line;
}

Result<Settings> ParseConfig(const std::string& text) {
  const nlohmann::json doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return Usage("the config file is not valid JSON");
  if (!doc.is_object()) return Usage("the config file must hold a JSON object");
  Settings s;
  const auto id_list = [](const nlohmann::json& value) -> std::optional<std::vector<std::string>> {
    if (!value.is_array()) return std::nullopt;
    std::vector<std::string> ids;
    for (const auto& item : value) {
      if (!item.is_string()) return std::nullopt;
      for (auto& id : SplitIdList(item.get<std::string>())) ids.push_back(std::move(id));
    }
    return ids;
  };
  for (const auto& [key, value] : doc.items()) {
    const auto wrong = [&](const char* expected) {
      return Usage("config key '" + key + "' must be " + expected);
    };
    if (key == "format") {
      if (!value.is_string()) return wrong("a string");
      auto format = ParseFormat(value.get<std::string>());
      if (!format.Ok()) return format.Err();
      s.format = format.Value();
    } else if (key == "offline") {
      if (!value.is_boolean()) return wrong("true or false");
      s.offline = value.get<bool>();
    } else if (key == "only" || key == "ignore") {
      auto ids = id_list(value);
      if (!ids) return wrong("an array of check ids");
      (key == "only" ? s.only : s.ignore) = std::move(*ids);
    } else if (key == "timeout_seconds") {
      if (!value.is_number_integer()) return wrong("a whole number");
      auto timeout = ParseTimeout(std::to_string(value.get<long long>()), "timeout_seconds");
      if (!timeout.Ok()) return timeout.Err();
      s.timeout_seconds = timeout.Value();
    } else if (key == "imds_endpoint" || key == "arm_endpoint") {
      if (!value.is_string()) return wrong("a URL string");
      (key == "imds_endpoint" ? s.imds_endpoint : s.arm_endpoint) = value.get<std::string>();
    } else if (key == "client_id" || key == "designated_subscription") {
      if (!value.is_string()) return wrong("a string");
      (key == "client_id" ? s.client_id : s.designated_subscription) = value.get<std::string>();
    } else if (key == "interval_minutes") {
      if (!value.is_number_integer()) return wrong("a whole number");
      const long long minutes = value.get<long long>();
      if (minutes < kMinIntervalMinutes || minutes > kMaxIntervalMinutes) {
        return wrong("from 5 to 10080 (a week)");
      }
      s.interval_minutes = static_cast<int>(minutes);
    } else if (key == "report_path") {
      if (!value.is_string() || value.get<std::string>().empty()) return wrong("a file path");
      s.report_path = value.get<std::string>();
    } else if (key == "verbose") {
      if (!value.is_boolean()) return wrong("true or false");
      s.verbosity = value.get<bool>() ? 1 : 0;
    } else if (key == "publish_tags") {
      if (!value.is_boolean()) return wrong("true or false");
      s.publish_tags = value.get<bool>();
    } else {
      return Usage("unknown config key '" + key +
                   "' (known: format, offline, only, ignore, timeout_seconds, imds_endpoint, "
                   "arm_endpoint, client_id, designated_subscription, verbose, "
                   "interval_minutes, report_path, publish_tags)");
    }
  }
  return s;
}

Result<Settings> SettingsFromEnvironment(const Environment& env) {
  Settings s;
  if (const auto v = env.Get("MDE_PREFLIGHT_IGNORE")) s.ignore = SplitIdList(*v);
  if (const auto v = env.Get("MDE_PREFLIGHT_ONLY")) s.only = SplitIdList(*v);
  if (const auto v = env.Get("MDE_PREFLIGHT_OFFLINE")) {
    auto offline = ParseBool(*v, "MDE_PREFLIGHT_OFFLINE");
    if (!offline.Ok()) return offline.Err();
    s.offline = offline.Value();
  }
  if (const auto v = env.Get("MDE_PREFLIGHT_DESIGNATED_SUBSCRIPTION")) {
    s.designated_subscription = *v;
  }
  if (const auto v = env.Get("MDE_PREFLIGHT_PUBLISH_TAGS")) {
    auto publish = ParseBool(*v, "MDE_PREFLIGHT_PUBLISH_TAGS");
    if (!publish.Ok()) return publish.Err();
    s.publish_tags = publish.Value();
  }
  if (const auto v = env.Get("MDE_PREFLIGHT_TIMEOUT")) {
    auto timeout = ParseTimeout(*v, "MDE_PREFLIGHT_TIMEOUT");
    if (!timeout.Ok()) return timeout.Err();
    s.timeout_seconds = timeout.Value();
  }
  return s;
}

Result<Options> ResolveOptions(const Settings& file, const Settings& env, const Settings& flags) {
  Options o;
  const auto pick = [&](auto member, auto& target) {
    for (const Settings* source : {&flags, &env, &file}) {
      if ((source->*member).has_value()) {
        target = *(source->*member);
        return;
      }
    }
  };
  pick(&Settings::format, o.format);
  pick(&Settings::output, o.output);
  pick(&Settings::root, o.root);
  pick(&Settings::offline, o.offline);
  pick(&Settings::only, o.only);
  pick(&Settings::ignore, o.ignore);
  pick(&Settings::imds_endpoint, o.imds_endpoint);
  pick(&Settings::arm_endpoint, o.arm_endpoint);
  pick(&Settings::client_id, o.client_id);
  pick(&Settings::designated_subscription, o.designated_subscription);
  pick(&Settings::verbosity, o.verbosity);
  int timeout = static_cast<int>(o.timeout.count());
  pick(&Settings::timeout_seconds, timeout);
  o.timeout = std::chrono::seconds(timeout);
  int interval = static_cast<int>(o.interval.count());
  pick(&Settings::interval_minutes, interval);
  o.interval = std::chrono::minutes(interval);
  pick(&Settings::report_path, o.report_path);
  pick(&Settings::publish_tags, o.publish_tags);

  // kubeadm's rule: `all` ignores everything and may only stand alone.
  const bool has_all = std::find(o.ignore.begin(), o.ignore.end(), "all") != o.ignore.end();
  if (has_all && o.ignore.size() > 1) {
    return Usage("--ignore: 'all' may only stand alone");
  }
  if (std::find(o.only.begin(), o.only.end(), "all") != o.only.end()) {
    return Usage("--only takes check ids; leave it out to run every check");
  }
  return o;
}

std::string UsageText() {
  return R"(Usage:
  mde-preflight check [options]   inspect this machine and print a preflight report
  mde-preflight service [--config FILE] [-v]
                                  run in the foreground as a service: check every
                                  interval_minutes and keep the JSON report in report_path
  mde-preflight service install [--config FILE]
                                  Windows: register the service (automatic start, LocalSystem,
                                  restart on failure); run as administrator
  mde-preflight service uninstall Windows: stop the service and remove it
  mde-preflight version           print the agent version
  mde-preflight --help            show this text

Check options:
  --format text|json|html  report format (default text)
  -o, --output FILE      write the report to FILE (atomically) instead of standard output
  --root DIR             inspect the file tree DIR as if it were / (an image or a fixture);
                         checks that need the live kernel read DIR/proc or report skip
  --offline              do not use the network
  --only ID,...          run only these checks
  --ignore ID,...|all    turn these checks' failures into warnings (still reported)
  --config FILE          config file, if present by default: /etc/mde-preflight/config.json,
                         %ProgramData%\mde-preflight\config.json on Windows
  --imds-endpoint URL    Azure Instance Metadata Service address (tests, private clouds)
  --arm-endpoint URL     Azure Resource Manager address (tests, private clouds)
  --timeout SECONDS      deadline for the whole run (default 60)
  --publish-tags         merge the verdict into the machine's own Azure tags (mdeReadiness,
                         mdeReadinessAt, mdeReadinessBlocking); needs Tag Contributor
  -v, --verbose          debug logging on standard error

Config file keys: format, offline, only, ignore, timeout_seconds, imds_endpoint, arm_endpoint,
client_id (a user-assigned managed identity), designated_subscription (direct onboarding),
verbose, publish_tags, interval_minutes (service, default 60), report_path (service, default
/var/lib/mde-preflight/report.json, %ProgramData%\mde-preflight\report.json on Windows).

Environment: MDE_PREFLIGHT_IGNORE, MDE_PREFLIGHT_ONLY, MDE_PREFLIGHT_OFFLINE,
MDE_PREFLIGHT_TIMEOUT, MDE_PREFLIGHT_CONFIG, MDE_PREFLIGHT_DESIGNATED_SUBSCRIPTION,
MDE_PREFLIGHT_PUBLISH_TAGS; AZURE_CLIENT_ID (user-assigned identity), AZURE_TENANT_ID +
AZURE_CLIENT_ID + AZURE_CLIENT_SECRET (a service principal), AZURE_AUTHORITY_HOST; NO_COLOR
turns colour off.
Precedence: flags > environment > config file > defaults.

Exit codes: 0 nothing failed; 1 at least one check failed (after --ignore);
2 bad usage or config; 3 internal error, no report.
)";
}

}  // namespace preflight

#include "agent/options.h"

#include <gtest/gtest.h>

#include <sstream>

#include "agent/settings_table.h"
#include "tests/fakes/fake_platform.h"

namespace preflight {
namespace {

Result<Options> Resolve(const std::vector<std::string>& args, const Settings& file = {},
                        const Settings& env = {}) {
  auto line = ParseCommandLine(args);
  if (!line.Ok()) return line.Err();
  return ResolveOptions(file, env, line.Value().flags);
}

TEST(ParseCommandLine, ReadsEveryCheckFlag) {
  auto line = ParseCommandLine({"check",
                                "--format",
                                "json",
                                "--output=/tmp/r.json",
                                "--root",
                                "/srv/img",
                                "--offline",
                                "--only",
                                "Linux.OS,linux.kernel",
                                "--ignore",
                                "linux.fanotify",
                                "--config",
                                "/etc/x.json",
                                "--imds-endpoint",
                                "http://127.0.0.1:1",
                                "--arm-endpoint",
                                "http://127.0.0.1:2",
                                "--timeout",
                                "30",
                                "-v"});
  ASSERT_TRUE(line.Ok()) << line.Err().message;
  EXPECT_EQ(line.Value().command, Command::kCheck);
  const Settings& s = line.Value().flags;
  EXPECT_EQ(s.Get<std::string>("config"), "/etc/x.json");
  EXPECT_EQ(s.Get<OutputFormat>("format"), OutputFormat::kJson);
  EXPECT_EQ(s.Get<std::string>("output"), "/tmp/r.json");
  EXPECT_EQ(s.Get<std::string>("root"), "/srv/img");
  EXPECT_EQ(s.Get<bool>("offline"), true);
  EXPECT_EQ(s.Get<std::vector<std::string>>("only"),
            (std::vector<std::string>{"linux.os", "linux.kernel"}));
  EXPECT_EQ(s.Get<std::vector<std::string>>("ignore"),
            (std::vector<std::string>{"linux.fanotify"}));
  EXPECT_EQ(s.Get<std::string>("imds_endpoint"), "http://127.0.0.1:1");
  EXPECT_EQ(s.Get<std::string>("arm_endpoint"), "http://127.0.0.1:2");
  EXPECT_EQ(s.Get<int>("timeout"), 30);
  EXPECT_EQ(s.Get<int>("verbose"), 1);
}

TEST(ParseCommandLine, RejectsBadUsage) {
  const std::vector<std::vector<std::string>> bad = {
      {},
      {"frobnicate"},
      {"check", "--format", "xml"},
      {"check", "--format"},
      {"check", "--timeout", "0"},
      {"check", "--timeout", "12abc"},
      {"check", "--timeout", "99999999999"},
      {"check", "--bogus"},
      {"check", "--offline=yes"},
      {"check", "--output", ""},
      {"version", "extra"},
  };
  for (const auto& args : bad) {
    auto line = ParseCommandLine(args);
    EXPECT_FALSE(line.Ok()) << ::testing::PrintToString(args);
    if (!line.Ok()) {
      EXPECT_FALSE(line.Err().message.empty());
    }
  }
}

TEST(ParseCommandLine, HelpAndVersion) {
  EXPECT_EQ(ParseCommandLine({"--help"}).Value().command, Command::kHelp);
  EXPECT_EQ(ParseCommandLine({"check", "-h"}).Value().command, Command::kHelp);
  EXPECT_EQ(ParseCommandLine({"version"}).Value().command, Command::kVersion);
  EXPECT_EQ(ParseCommandLine({"--version"}).Value().command, Command::kVersion);
  EXPECT_EQ(ParseCommandLine({"help", "check"}).Value().command, Command::kHelp);
  EXPECT_EQ(ParseCommandLine({"service", "install", "--help"}).Value().command, Command::kHelp);
}

TEST(ParseCommandLine, ServiceInstallAndUninstall) {
  auto install = ParseCommandLine({"service", "install", "--config", "C:\\conf.json"});
  ASSERT_TRUE(install.Ok()) << install.Err().message;
  EXPECT_EQ(install.Value().command, Command::kServiceInstall);
  EXPECT_EQ(install.Value().flags.Get<std::string>("config"),
            std::optional<std::string>("C:\\conf.json"));
  EXPECT_EQ(ParseCommandLine({"service", "install"}).Value().command, Command::kServiceInstall);
  EXPECT_EQ(ParseCommandLine({"service", "uninstall"}).Value().command, Command::kServiceUninstall);
  // The plain service command is unchanged.
  auto run = ParseCommandLine({"service", "--config", "c.json"});
  ASSERT_TRUE(run.Ok());
  EXPECT_EQ(run.Value().command, Command::kService);

  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"service", "install", "-v"},
        std::vector<std::string>{"service", "install", "--offline"},
        std::vector<std::string>{"service", "install", "--format", "json"},
        std::vector<std::string>{"service", "install", "extra"},
        std::vector<std::string>{"service", "uninstall", "--config", "c.json"},
        std::vector<std::string>{"service", "start"}}) {
    auto line = ParseCommandLine(args);
    EXPECT_FALSE(line.Ok()) << ::testing::PrintToString(args);
  }
}

TEST(ResolveOptions, IgnoreAllMustStandAlone) {
  EXPECT_FALSE(Resolve({"check", "--ignore", "all,linux.os"}).Ok());
  EXPECT_FALSE(Resolve({"check", "--ignore", "ALL", "--ignore", "linux.os"}).Ok());
  auto ok = Resolve({"check", "--ignore", "All"});
  ASSERT_TRUE(ok.Ok());
  EXPECT_EQ(ok.Value().ignore, std::vector<std::string>{"all"});
  EXPECT_FALSE(Resolve({"check", "--only", "all"}).Ok());
}

TEST(ResolveOptions, FlagsBeatEnvironmentBeatFileBeatDefaults) {
  Settings file;
  file.Set("timeout", 10);
  file.Set("format", OutputFormat::kJson);
  file.Set("offline", true);
  Settings env;
  env.Set("timeout", 20);
  auto from_file_and_env = Resolve({"check"}, file, env);
  ASSERT_TRUE(from_file_and_env.Ok());
  EXPECT_EQ(from_file_and_env.Value().timeout.count(), 20);
  EXPECT_EQ(from_file_and_env.Value().format, OutputFormat::kJson);
  EXPECT_TRUE(from_file_and_env.Value().offline);
  auto with_flags = Resolve({"check", "--timeout", "5", "--format", "text"}, file, env);
  ASSERT_TRUE(with_flags.Ok());
  EXPECT_EQ(with_flags.Value().timeout.count(), 5);
  EXPECT_EQ(with_flags.Value().format, OutputFormat::kText);
  auto defaults = Resolve({"check"});
  ASSERT_TRUE(defaults.Ok());
  EXPECT_EQ(defaults.Value().timeout.count(), 60);
  EXPECT_EQ(defaults.Value().root, "/");
  EXPECT_FALSE(defaults.Value().offline);
}

TEST(ParseConfig, AcceptsKnownKeysAndRejectsTheRest) {
  auto ok = ParseConfig(
      R"({"format":"json","offline":true,"ignore":["linux.os","Linux.Kernel"],"timeout_seconds":15})");
  ASSERT_TRUE(ok.Ok()) << ok.Err().message;
  EXPECT_EQ(ok.Value().Get<std::vector<std::string>>("ignore"),
            (std::vector<std::string>{"linux.os", "linux.kernel"}));
  EXPECT_EQ(ok.Value().Get<int>("timeout"), 15);

  const std::vector<std::string> bad = {
      "",
      "[]",
      "{",
      R"({"colour":true})",
      R"({"offline":"yes"})",
      R"({"ignore":"linux.os"})",
      R"({"ignore":[1]})",
      R"({"timeout_seconds":0})",
      R"({"timeout_seconds":1.5})",
      R"({"format":"xml"})",
  };
  for (const auto& text : bad) {
    auto r = ParseConfig(text);
    EXPECT_FALSE(r.Ok()) << text;
  }
  auto unknown = ParseConfig(R"({"colour":true})");
  EXPECT_NE(unknown.Err().message.find("unknown config key 'colour'"), std::string::npos);
}

TEST(SettingsFromEnvironment, ReadsAndValidates) {
  testing::FakeEnvironment env;
  env.Set("MDE_PREFLIGHT_IGNORE", "linux.os, linux.mounts");
  env.Set("MDE_PREFLIGHT_OFFLINE", "yes");
  env.Set("MDE_PREFLIGHT_TIMEOUT", "45");
  auto s = SettingsFromEnvironment(env);
  ASSERT_TRUE(s.Ok());
  EXPECT_EQ(s.Value().Get<std::vector<std::string>>("ignore"),
            (std::vector<std::string>{"linux.os", "linux.mounts"}));
  EXPECT_EQ(s.Value().Get<bool>("offline"), true);
  EXPECT_EQ(s.Value().Get<int>("timeout"), 45);
  env.Set("MDE_PREFLIGHT_TIMEOUT", "soon");
  EXPECT_FALSE(SettingsFromEnvironment(env).Ok());
}

TEST(Options, AzureIdentityKeysFromConfigAndEnvironment) {
  auto file = ParseConfig(R"({"client_id":"1e7d","designated_subscription":"sub-file"})");
  ASSERT_TRUE(file.Ok()) << file.Err().message;
  EXPECT_FALSE(ParseConfig(R"({"client_id":7})").Ok());
  EXPECT_FALSE(ParseConfig(R"({"designated_subscription":["a"]})").Ok());
  testing::FakeEnvironment env;
  env.Set("MDE_PREFLIGHT_DESIGNATED_SUBSCRIPTION", "sub-env");
  auto from_env = SettingsFromEnvironment(env);
  ASSERT_TRUE(from_env.Ok());
  auto resolved = ResolveOptions(file.Value(), from_env.Value(), Settings{});
  ASSERT_TRUE(resolved.Ok());
  EXPECT_EQ(resolved.Value().client_id, "1e7d");
  EXPECT_EQ(resolved.Value().designated_subscription, "sub-env");  // environment beats file
}

TEST(PublishTags, FlagConfigAndEnvironment) {
  auto flag = Resolve({"check", "--publish-tags"});
  ASSERT_TRUE(flag.Ok());
  EXPECT_TRUE(flag.Value().publish_tags);
  EXPECT_FALSE(Resolve({"check"}).Value().publish_tags);
  EXPECT_FALSE(ParseCommandLine({"check", "--publish-tags=yes"}).Ok());

  auto config = ParseConfig(R"({"publish_tags": true})");
  ASSERT_TRUE(config.Ok());
  EXPECT_EQ(config.Value().Get<bool>("publish_tags"), true);
  EXPECT_FALSE(ParseConfig(R"({"publish_tags": "yes"})").Ok());

  testing::FakeEnvironment env;
  env.Set("MDE_PREFLIGHT_PUBLISH_TAGS", "true");
  auto from_env = SettingsFromEnvironment(env);
  ASSERT_TRUE(from_env.Ok());
  EXPECT_EQ(from_env.Value().Get<bool>("publish_tags"), true);
  // Flags beat the environment, which beats the file.
  Settings off;
  off.Set("publish_tags", false);
  EXPECT_TRUE(ResolveOptions(off, from_env.Value(), {}).Value().publish_tags);
  env.Set("MDE_PREFLIGHT_PUBLISH_TAGS", "sometimes");
  EXPECT_FALSE(SettingsFromEnvironment(env).Ok());
}

TEST(ParseCommandLine, RepeatedFlagsCountAddUpOrTakeTheLast) {
  auto line = ParseCommandLine({"check", "-v", "--verbose", "--ignore", "a.b", "--ignore=C.d",
                                "--only", "x.y", "--only", "z.w", "--format", "html",
                                "--format=json", "--timeout", "5", "--timeout", "7"});
  ASSERT_TRUE(line.Ok()) << line.Err().message;
  const Settings& s = line.Value().flags;
  EXPECT_EQ(s.Get<int>("verbose"), 2);
  EXPECT_EQ(s.Get<std::vector<std::string>>("ignore"), (std::vector<std::string>{"a.b", "c.d"}));
  EXPECT_EQ(s.Get<std::vector<std::string>>("only"), std::vector<std::string>{"z.w"});
  EXPECT_EQ(s.Get<OutputFormat>("format"), OutputFormat::kJson);
  EXPECT_EQ(s.Get<int>("timeout"), 7);
  // An empty list is no list: `--ignore "$IDS"` with nothing in IDS ignores nothing.
  auto empty = ParseCommandLine({"check", "--ignore", ""});
  ASSERT_TRUE(empty.Ok()) << empty.Err().message;
  EXPECT_EQ(empty.Value().flags.Get<std::vector<std::string>>("ignore"),
            std::vector<std::string>{});
}

TEST(ParseCommandLine, UsageErrorsSayWhatIsWrong) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{}, "no command given"},
      {{"frobnicate"}, "unknown command 'frobnicate'"},
      {{"check", "--bogus"}, "unknown option '--bogus'"},
      {{"check", "stray"}, "unexpected argument 'stray'"},
      {{"check", "--offline=yes"}, "--offline takes no value"},
      {{"check", "--verbose=2"}, "--verbose takes no value"},
      {{"check", "--format"}, "--format needs a value"},
      {{"check", "--timeout"}, "--timeout needs a value"},
      {{"check", "--timeout", "--offline"},
       "--timeout must be a whole number of seconds from 1 to 86400, not '--offline'"},
      {{"check", "--output", ""}, "--output needs a value"},
      {{"check", "--format", "xml"}, "unknown format 'xml' (use text, json or html)"},
      {{"check", "--timeout", "0"},
       "--timeout must be a whole number of seconds from 1 to 86400, not '0'"},
      {{"service", "--format", "json"},
       "unknown option '--format'; 'service' takes only --config and -v; put other settings in "
       "the config file"},
      {{"service", "install", "-v"},
       "unknown option '-v'; 'service install' takes only --config (the file the service will "
       "read)"},
      {{"service", "start"},
       "unexpected argument 'start'; 'service' takes only --config and -v; "
       "put other settings in the config file"},
      {{"version", "extra"}, "unexpected argument 'extra'; 'version' takes no arguments"},
      {{"--version", "check"}, "unexpected argument 'check'; 'version' takes no arguments"},
      {{"--bogus"}, "unknown option '--bogus'"},
      {{"checks", "--offline"}, "unknown option '--offline'; 'checks' takes only --format"},
  };
  for (const auto& [args, message] : cases) {
    auto line = ParseCommandLine(args);
    ASSERT_FALSE(line.Ok()) << ::testing::PrintToString(args);
    EXPECT_EQ(line.Err().message, message) << ::testing::PrintToString(args);
  }
}

TEST(ParseCommandLine, ChecksTakesAFormat) {
  auto plain = ParseCommandLine({"checks"});
  ASSERT_TRUE(plain.Ok()) << plain.Err().message;
  EXPECT_EQ(plain.Value().command, Command::kChecks);
  EXPECT_TRUE(plain.Value().flags.Empty());
  auto json = ParseCommandLine({"checks", "--format", "json"});
  ASSERT_TRUE(json.Ok()) << json.Err().message;
  EXPECT_EQ(json.Value().flags.Get<OutputFormat>("format"), OutputFormat::kJson);
}

TEST(ResolveOptions, DefaultsComeFromTheTable) {
  auto defaults = ResolveOptions({}, {}, {});
  ASSERT_TRUE(defaults.Ok()) << defaults.Err().message;
  const Options& o = defaults.Value();
  EXPECT_EQ(o.format, OutputFormat::kText);
  EXPECT_EQ(o.root, "/");
  EXPECT_EQ(o.timeout.count(), 60);
  // The service checks every 6 hours by default; interval_seconds is unset.
  EXPECT_EQ(o.interval.count(), 360);
  EXPECT_EQ(o.interval_seconds.count(), 0);
  EXPECT_EQ(ServiceInterval(o), std::chrono::hours(6));
  EXPECT_EQ(o.verbosity, 0);
  EXPECT_FALSE(o.offline);
  EXPECT_FALSE(o.publish_tags);
  EXPECT_TRUE(o.output.empty());
  EXPECT_TRUE(o.only.empty());
  EXPECT_TRUE(o.ignore.empty());
  EXPECT_TRUE(o.report_path.empty());
}

// A value of each setting's kind, as the environment writes it and as the config file does.
std::pair<std::string, nlohmann::json> Sample(const settings::Setting& setting) {
  switch (setting.kind) {
    case settings::Kind::kSwitch:
    case settings::Kind::kCount:
      return {"true", true};
    case settings::Kind::kIdList:
      return {"mde.install", nlohmann::json::array({"mde.install"})};
    case settings::Kind::kFormat:
      return {"json", "json"};
    case settings::Kind::kNumber:
      return {std::to_string(setting.max), setting.max};
    case settings::Kind::kText:
    case settings::Kind::kPath:
      break;
  }
  return {"/some/value", "/some/value"};
}

// Every environment variable and config key of the table reaches its field of Options (a kind
// that disagreed with its field would throw in ResolveOptions).
TEST(Settings, EveryEnvironmentVariableAndConfigKeyResolves) {
  for (const settings::Setting& setting : settings::AllSettings()) {
    SCOPED_TRACE(std::string(setting.name));
    const auto [text, json] = Sample(setting);
    if (!setting.env.empty()) {
      testing::FakeEnvironment env;
      env.Set(std::string(setting.env), text);
      auto from_env = SettingsFromEnvironment(env);
      ASSERT_TRUE(from_env.Ok()) << from_env.Err().message;
      ASSERT_NE(from_env.Value().Find(setting.name), nullptr);
      EXPECT_TRUE(ResolveOptions({}, from_env.Value(), {}).Ok());
    }
    if (!setting.key.empty()) {
      auto from_file = ParseConfig(nlohmann::json{{setting.key, json}}.dump());
      ASSERT_TRUE(from_file.Ok()) << from_file.Err().message;
      ASSERT_NE(from_file.Value().Find(setting.name), nullptr);
      EXPECT_TRUE(ResolveOptions(from_file.Value(), {}, {}).Ok());
    }
    EXPECT_FALSE(setting.flag.empty() && setting.env.empty() && setting.key.empty())
        << "a setting nothing can set";
  }
  auto file = ParseConfig(R"({"interval_minutes": 5, "report_path": "/r.json", "verbose": true})");
  ASSERT_TRUE(file.Ok()) << file.Err().message;
  auto resolved = ResolveOptions(file.Value(), {}, {});
  ASSERT_TRUE(resolved.Ok());
  EXPECT_EQ(resolved.Value().interval.count(), 5);
  EXPECT_EQ(resolved.Value().report_path, "/r.json");
  EXPECT_EQ(resolved.Value().verbosity, 1);
  EXPECT_EQ(ServiceInterval(resolved.Value()), std::chrono::minutes(5));
  EXPECT_FALSE(ParseConfig(R"({"interval_minutes": 4})").Ok());
  EXPECT_FALSE(ParseConfig(R"({"report_path": ""})").Ok());
}

// interval_seconds, when set, is the service's interval (a documented setting for short cycles in
// tests and demonstrations), whatever interval_minutes says.
TEST(Settings, IntervalSecondsTakesOverFromIntervalMinutes) {
  auto file = ParseConfig(R"({"interval_minutes": 10, "interval_seconds": 2})");
  ASSERT_TRUE(file.Ok()) << file.Err().message;
  auto resolved = ResolveOptions(file.Value(), {}, {});
  ASSERT_TRUE(resolved.Ok());
  EXPECT_EQ(ServiceInterval(resolved.Value()), std::chrono::seconds(2));
  EXPECT_FALSE(ParseConfig(R"({"interval_seconds": 0})").Ok());
  EXPECT_FALSE(ParseConfig(R"({"interval_seconds": 604801})").Ok());
  EXPECT_TRUE(ParseConfig(R"({"interval_seconds": 604800})").Ok());
}

// --help is derived from the table: every flag, environment variable and config key is in it,
// and it fits 100 columns.
TEST(UsageText, NamesEverySettingAndFitsTheTerminal) {
  const std::string help = UsageText();
  for (const settings::Setting& setting : settings::AllSettings()) {
    for (std::string_view name :
         {settings::LongFlag(setting), std::string(setting.env), std::string(setting.key)}) {
      if (setting.flag.empty() && name == settings::LongFlag(setting)) continue;
      if (!name.empty()) {
        EXPECT_NE(help.find(name), std::string::npos) << name;
      }
    }
  }
  for (const char* command : {"mde-preflight check ", "mde-preflight checks", "service install",
                              "service uninstall", "version"}) {
    EXPECT_NE(help.find(command), std::string::npos) << command;
  }
  std::istringstream lines(help);
  for (std::string line; std::getline(lines, line);) {
    EXPECT_LE(line.size(), 100U) << line;
  }
}

TEST(SplitIdList, TrimsLowersAndDropsEmpties) {
  EXPECT_EQ(SplitIdList(" A.b ,,c.D,"), (std::vector<std::string>{"a.b", "c.d"}));
  EXPECT_TRUE(SplitIdList("").empty());
}

}  // namespace
}  // namespace preflight

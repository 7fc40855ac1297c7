#include "agent/options.h"

#include <gtest/gtest.h>

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
  EXPECT_EQ(line.Value().config_path, "/etc/x.json");
  const Settings& s = line.Value().flags;
  EXPECT_EQ(s.format, OutputFormat::kJson);
  EXPECT_EQ(s.output, "/tmp/r.json");
  EXPECT_EQ(s.root, "/srv/img");
  EXPECT_EQ(s.offline, true);
  EXPECT_EQ(s.only, (std::vector<std::string>{"linux.os", "linux.kernel"}));
  EXPECT_EQ(s.ignore, (std::vector<std::string>{"linux.fanotify"}));
  EXPECT_EQ(s.imds_endpoint, "http://127.0.0.1:1");
  EXPECT_EQ(s.arm_endpoint, "http://127.0.0.1:2");
  EXPECT_EQ(s.timeout_seconds, 30);
  EXPECT_EQ(s.verbosity, 1);
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
}

TEST(ParseCommandLine, ServiceInstallAndUninstall) {
  auto install = ParseCommandLine({"service", "install", "--config", "C:\\conf.json"});
  ASSERT_TRUE(install.Ok()) << install.Err().message;
  EXPECT_EQ(install.Value().command, Command::kServiceInstall);
  EXPECT_EQ(install.Value().config_path, std::optional<std::string>("C:\\conf.json"));
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
  file.timeout_seconds = 10;
  file.format = OutputFormat::kJson;
  file.offline = true;
  Settings env;
  env.timeout_seconds = 20;
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
  EXPECT_EQ(ok.Value().ignore, (std::vector<std::string>{"linux.os", "linux.kernel"}));
  EXPECT_EQ(ok.Value().timeout_seconds, 15);

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
  EXPECT_EQ(s.Value().ignore, (std::vector<std::string>{"linux.os", "linux.mounts"}));
  EXPECT_EQ(s.Value().offline, true);
  EXPECT_EQ(s.Value().timeout_seconds, 45);
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
  EXPECT_EQ(config.Value().publish_tags, true);
  EXPECT_FALSE(ParseConfig(R"({"publish_tags": "yes"})").Ok());

  testing::FakeEnvironment env;
  env.Set("MDE_PREFLIGHT_PUBLISH_TAGS", "true");
  auto from_env = SettingsFromEnvironment(env);
  ASSERT_TRUE(from_env.Ok());
  EXPECT_EQ(from_env.Value().publish_tags, true);
  // Flags beat the environment, which beats the file.
  Settings off;
  off.publish_tags = false;
  EXPECT_TRUE(ResolveOptions(off, from_env.Value(), {}).Value().publish_tags);
  env.Set("MDE_PREFLIGHT_PUBLISH_TAGS", "sometimes");
  EXPECT_FALSE(SettingsFromEnvironment(env).Ok());
}

TEST(SplitIdList, TrimsLowersAndDropsEmpties) {
  EXPECT_EQ(SplitIdList(" A.b ,,c.D,"), (std::vector<std::string>{"a.b", "c.d"}));
  EXPECT_TRUE(SplitIdList("").empty());
}

}  // namespace
}  // namespace preflight

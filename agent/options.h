#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "platform/result.h"

namespace preflight {

class Environment;

enum class OutputFormat { kText, kJson, kHtml };

// kServiceInstall / kServiceUninstall register the agent with the platform's service manager
// (`mde-preflight service install|uninstall`; the Windows SCM, a pointer to the packages on Linux).
enum class Command { kCheck, kService, kServiceInstall, kServiceUninstall, kVersion, kHelp };

// One source's settings (flags, environment or config file); unset fields defer to the next
// source. Precedence (DESIGN.md): flags > environment > file > defaults.
struct Settings {
  std::optional<OutputFormat> format;
  std::optional<std::string> output;
  std::optional<std::string> root;
  std::optional<bool> offline;
  std::optional<std::vector<std::string>> only;
  std::optional<std::vector<std::string>> ignore;
  std::optional<std::string> imds_endpoint;
  std::optional<std::string> arm_endpoint;
  std::optional<std::string> client_id;                // a user-assigned managed identity
  std::optional<std::string> designated_subscription;  // direct onboarding (outside Azure)
  std::optional<int> timeout_seconds;
  std::optional<int> verbosity;
  std::optional<int> interval_minutes;     // service: time between two checks
  std::optional<std::string> report_path;  // service: where the JSON report is kept
  std::optional<bool> publish_tags;        // merge the verdict into the machine's Azure tags
};

struct CommandLine {
  Command command = Command::kHelp;
  std::optional<std::string> config_path;  // --config
  Settings flags;
};

// The effective options of one run.
struct Options {
  OutputFormat format = OutputFormat::kText;
  std::string output;  // empty: standard output
  std::string root = "/";
  bool offline = false;
  std::vector<std::string> only;    // lower-cased check ids; empty: all
  std::vector<std::string> ignore;  // lower-cased check ids, or just "all"
  std::string imds_endpoint;
  std::string arm_endpoint;
  std::string client_id;                // empty: AZURE_CLIENT_ID, else system-assigned
  std::string designated_subscription;  // empty: none configured
  std::chrono::seconds timeout{60};
  int verbosity = 0;
  std::string config_path;  // the file that was read, empty if none
  std::chrono::minutes interval{60};
  std::string report_path;    // empty: the platform default (DefaultReportPath)
  bool publish_tags = false;  // --publish-tags: agent/publish.h
};

// Parses argv (without the program name). Errors are usage errors (exit code 2).
Result<CommandLine> ParseCommandLine(const std::vector<std::string>& args);

// Parses a config file's JSON text. Unknown keys and wrong types are errors.
Result<Settings> ParseConfig(const std::string& text);

// MDE_PREFLIGHT_* variables; malformed values are errors.
Result<Settings> SettingsFromEnvironment(const Environment& env);

// Layers the sources and validates the result (check id lists, `all` standing alone).
Result<Options> ResolveOptions(const Settings& file, const Settings& env, const Settings& flags);

// Splits "a,B, c" into lower-cased, trimmed, non-empty ids.
std::vector<std::string> SplitIdList(const std::string& text);

std::string UsageText();

}  // namespace preflight

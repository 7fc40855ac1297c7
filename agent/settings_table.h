#pragma once

// The settings of the agent, each declared once (options.cpp): the command-line parser
// (command_line.cpp), the environment and config-file readers, the defaults and `--help` all read
// this table. Internal to agent/options.

#include <chrono>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "agent/options.h"

namespace preflight::settings {

// How a setting is written and checked.
enum class Kind {
  kSwitch,  // a flag without a value; true or false in the environment and the config file
  kCount,   // a flag that counts (-v -v); true or false in the config file
  kText,    // any string
  kPath,    // a string that may not be empty
  kIdList,  // check ids: "a,B" on the command line and in the environment, an array in the file
  kFormat,  // text, json or html
  kNumber,  // a whole number from `min` to `max`
};

// The commands that take a setting's flag.
inline constexpr unsigned kCheck = 1U << 0;
inline constexpr unsigned kChecks = 1U << 1;
inline constexpr unsigned kService = 1U << 2;
inline constexpr unsigned kServiceInstall = 1U << 3;

// Where ResolveOptions puts a setting's value.
using Target = std::variant<bool Options::*, int Options::*, std::string Options::*,
                            std::vector<std::string> Options::*, OutputFormat Options::*,
                            std::chrono::seconds Options::*, std::chrono::minutes Options::*>;

struct Setting {
  std::string_view name{};  // the key of Settings: "timeout"
  std::string_view flag{};  // CLI11 names: "-o,--output"; empty: no flag
  std::string_view env{};   // environment variable; empty: none
  std::string_view key{};   // config file key; empty: not in the file
  Kind kind = Kind::kText;
  Target target{};
  std::string_view fallback{};    // the default, written as in the environment; empty: none
  std::string_view value_name{};  // in --help: "SECONDS"
  std::string_view help{};
  unsigned commands = kCheck;  // the commands that take the flag
  int min = 0;                 // kNumber
  int max = 0;
  bool flags_add_up = false;  // a repeated flag adds to the list (--ignore a --ignore b)
};

// A command and what its usage line says.
struct CommandSpec {
  Command command;
  std::string_view path;      // "service install": a subcommand under its parent
  std::string_view synopsis;  // after "mde-preflight "
  std::string_view help{};
  unsigned takes = 0;       // which settings' flags it takes (the bits above)
  std::string_view extras;  // said after an argument it does not take
};

std::span<const Setting> AllSettings();
std::span<const CommandSpec> AllCommands();

// The long form of a setting's flag: "--output" for "-o,--output".
std::string LongFlag(const Setting& setting);

// A value as written on the command line or in the environment; `source` names it in errors.
Result<SettingValue> FromText(const Setting& setting, const std::string& text,
                              const std::string& source);

}  // namespace preflight::settings

// The command line and `--help`, both from the settings and commands of agent/settings_table.h.
// Values are checked by the same functions as the environment's, so a setting reads alike
// wherever it is written. The parser is a loop over that table, not a library: CLI11 (Debian's
// libcli11-dev) was measured here, and adapting it to these rules and messages took more code
// than the loop, and more build time and binary.

#include <algorithm>

#include "agent/options.h"
#include "agent/settings_table.h"

namespace preflight {
namespace {

using settings::AllCommands;
using settings::AllSettings;
using settings::CommandSpec;
using settings::Kind;
using settings::Setting;

Error Usage(std::string message) { return MakeError(ErrorKind::kInvalid, std::move(message)); }

bool IsFlagOnly(const Setting& setting) {
  return setting.kind == Kind::kSwitch || setting.kind == Kind::kCount;
}

// "--version", "--help" and "-h" stand for the commands they name.
std::string CommandWord(const std::string& arg) {
  if (arg == "--version") return "version";
  if (arg == "--help" || arg == "-h") return "help";
  return arg;
}

// The command the arguments start with, the longest path first ("service install" over
// "service"); `used` is how many arguments name it.
const CommandSpec* FindCommand(const std::vector<std::string>& args, std::size_t& used) {
  const CommandSpec* found = nullptr;
  for (const CommandSpec& spec : AllCommands()) {
    std::size_t words = 0;
    std::string path;
    while (words < args.size() && path.size() < spec.path.size()) {
      path += words == 0 ? CommandWord(args[0]) : " " + args[words];
      ++words;
    }
    if (path == spec.path && (found == nullptr || words > used)) {
      found = &spec;
      used = words;
    }
  }
  return found;
}

// The setting `name` ("-o", "--output") is the flag of, among those `command` takes.
const Setting* FindFlag(const CommandSpec& command, std::string_view name) {
  for (const Setting& setting : AllSettings()) {
    if ((setting.commands & command.takes) == 0) continue;
    std::string_view names = setting.flag;
    while (!names.empty()) {
      const std::size_t comma = names.find(',');
      if (names.substr(0, comma) == name) return &setting;
      names = comma == names.npos ? std::string_view() : names.substr(comma + 1);
    }
  }
  return nullptr;
}

// Adds one flag's value to what the command line says: a switch is set, a count counts, an id
// list of a flag that adds up grows; any other value replaces an earlier one.
Result<Done> ReadFlag(const Setting& setting, const std::string& name,
                      const std::optional<std::string>& value, Settings& flags) {
  if (IsFlagOnly(setting)) {
    if (value) return Usage(name + " takes no value");
    if (setting.kind == Kind::kSwitch) flags.Set(setting.name, true);
    if (setting.kind == Kind::kCount) {
      flags.Set(setting.name, flags.Get<int>(setting.name).value_or(0) + 1);
    }
    return Done{};
  }
  if (!value || (value->empty() && setting.kind != Kind::kIdList)) {
    return Usage(name + " needs a value");
  }
  auto parsed = settings::FromText(setting, *value, name);
  if (!parsed.Ok()) return parsed.Err();
  auto ids = flags.Get<std::vector<std::string>>(setting.name);
  if (setting.flags_add_up && ids) {  // --ignore a --ignore b ignores both
    for (auto& id : std::get<std::vector<std::string>>(parsed.Value())) ids->push_back(id);
    flags.Set(setting.name, std::move(*ids));
  } else {
    flags.Set(setting.name, std::move(parsed).Value());
  }
  return Done{};
}

}  // namespace

// "--flag value" or "--flag=value"; "-h" or "--help" anywhere asks for the help.
Result<CommandLine> ParseCommandLine(const std::vector<std::string>& args) {
  if (args.empty()) return Usage("no command given");
  std::size_t at = 0;
  const CommandSpec* command = FindCommand(args, at);
  if (command == nullptr) {
    return Usage((args[0].rfind('-', 0) == 0 ? "unknown option '" : "unknown command '") + args[0] +
                 "'");
  }
  CommandLine line{command->command, {}};
  const std::string takes = command->extras.empty() ? "" : "; " + std::string(command->extras);
  for (; at < args.size(); ++at) {
    std::string name = args[at];
    if (name == "-h" || name == "--help" || command->command == Command::kHelp) {
      return CommandLine{Command::kHelp, {}};
    }
    std::optional<std::string> value;
    if (const std::size_t eq = name.find('='); name.rfind("--", 0) == 0 && eq != name.npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
    }
    const Setting* setting = FindFlag(*command, name);
    if (setting == nullptr) {
      std::string message = name.rfind('-', 0) == 0 ? "unknown option '" : "unexpected argument '";
      message.append(name).append("'").append(takes);
      return Usage(message);
    }
    if (!value && !IsFlagOnly(*setting) && at + 1 < args.size()) value = args[++at];
    auto read = ReadFlag(*setting, settings::LongFlag(*setting), value, line.flags);
    if (!read.Ok()) return read.Err();
  }
  return line;
}

namespace {

constexpr std::size_t kHelpWidth = 100;

// The words of `text` in lines of at most `width` characters.
std::vector<std::string> Wrap(std::string_view text, std::size_t width) {
  std::vector<std::string> lines(1);
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t end = std::min(text.find(' ', at), text.size());
    const std::string_view word = text.substr(at, end - at);
    if (!lines.back().empty() && lines.back().size() + 1 + word.size() > width)
      lines.emplace_back();
    lines.back() += (lines.back().empty() ? "" : " ") + std::string(word);
    at = end + 1;
  }
  return lines;
}

// "left   right", the right column starting at `column` and wrapped at kHelpWidth; a label too
// long for its column has the text on the lines below.
std::string HelpEntry(const std::string& left, std::string_view right, std::size_t column) {
  std::string text;
  std::string line = left;
  if (line.size() + 2 > column) {
    text += line + "\n";
    line.clear();
  }
  for (const std::string& part : Wrap(right, kHelpWidth - column)) {
    line.resize(column, ' ');
    text += line + part + "\n";
    line.clear();
  }
  return text;
}

std::string FlagLabel(const Setting& setting) {
  std::string label(setting.flag);
  if (const std::size_t comma = label.find(','); comma != label.npos) label.insert(comma + 1, " ");
  if (!IsFlagOnly(setting)) label += " " + std::string(setting.value_name);
  return "  " + label;
}

// The help line, its range and default, and the other places the setting is read from.
std::string Describe(const Setting& setting) {
  std::string text(setting.help);
  if (setting.kind == Kind::kNumber) {
    text += " (" + std::to_string(setting.min) + " to " + std::to_string(setting.max) +
            ", default " + std::string(setting.fallback) + ")";
  } else if (!IsFlagOnly(setting) && !setting.fallback.empty()) {
    text += " (default " + std::string(setting.fallback) + ")";
  }
  return text;
}

std::string Sources(const Setting& setting) {
  std::string sources;
  if (!setting.env.empty()) sources = "environment " + std::string(setting.env);
  if (!setting.key.empty() && !setting.flag.empty()) {
    sources +=
        (sources.empty() ? "" : ", ") + std::string("config file ") + std::string(setting.key);
  }
  return sources;
}

std::string SettingsHelp() {
  constexpr std::size_t kColumn = 27;
  std::string text =
      "\nCheck options, each also read from the environment variable or config file key named:\n";
  for (const Setting& setting : AllSettings()) {
    if (setting.flag.empty() || (setting.commands & settings::kCheck) == 0) continue;
    text += HelpEntry(FlagLabel(setting), Describe(setting), kColumn);
    if (const std::string sources = Sources(setting); !sources.empty()) {
      text += HelpEntry("", sources, kColumn);
    }
  }
  text += "\nConfig file keys without a flag:\n";
  for (const Setting& setting : AllSettings()) {
    if (!setting.flag.empty() || setting.key.empty()) continue;
    text += HelpEntry("  " + std::string(setting.key), Describe(setting), kColumn);
    if (const std::string sources = Sources(setting); !sources.empty()) {
      text += HelpEntry("", sources, kColumn);
    }
  }
  return text;
}

}  // namespace

std::string UsageText() {
  std::string text = "Usage:\n";
  for (const CommandSpec& command : AllCommands()) {
    text += HelpEntry("  mde-preflight " + std::string(command.synopsis), command.help, 34);
  }
  return text + SettingsHelp() + R"(
Settings come from flags, then the environment, then the config file (a JSON object; an unknown
key is an error), then the defaults.

Azure identity: AZURE_CLIENT_ID (a user-assigned identity), AZURE_TENANT_ID + AZURE_CLIENT_ID +
AZURE_CLIENT_SECRET (a service principal), AZURE_AUTHORITY_HOST. NO_COLOR turns colour off.

Exit codes: 0 nothing failed; 1 at least one check failed (after --ignore); 2 bad usage or config;
3 internal error, no report.
)";
}

}  // namespace preflight

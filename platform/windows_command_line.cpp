#include "platform/windows_command_line.h"

#include <string_view>

namespace preflight {
namespace {

void AppendQuoted(std::string& out, std::string_view arg) {
  if (!arg.empty() && arg.find_first_of(" \t\n\v\"") == std::string_view::npos) {
    out += arg;
    return;
  }
  out += '"';
  std::size_t backslashes = 0;
  for (const char c : arg) {
    if (c == '\\') {
      ++backslashes;
      continue;
    }
    // 2n backslashes before a quote give n backslashes, and 2n+1 give n and a literal quote.
    out.append(c == '"' ? backslashes * 2 + 1 : backslashes, '\\');
    backslashes = 0;
    out += c;
  }
  out.append(backslashes * 2, '\\');  // they precede the closing quote
  out += '"';
}

}  // namespace

std::optional<std::string> BuildWindowsCommandLine(const std::vector<std::string>& argv) {
  if (argv.empty() || argv[0].find('"') != std::string::npos) return std::nullopt;
  std::string line;
  const std::string& program = argv[0];
  if (program.empty() || program.find_first_of(" \t") != std::string::npos) {
    line = '"' + program + '"';
  } else {
    line = program;
  }
  for (std::size_t i = 1; i < argv.size(); ++i) {
    line += ' ';
    AppendQuoted(line, argv[i]);
  }
  return line;
}

}  // namespace preflight

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "platform/windows_command_line.h"

// libFuzzer entry point: NUL-separated arguments; quoting never crashes, keeps every argument's
// characters, and refuses only a program path with a quote.
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<std::string> argv(1);
  for (size_t i = 0; i < size; ++i) {
    if (data[i] == 0) {
      argv.emplace_back();
    } else {
      argv.back() += static_cast<char>(data[i]);
    }
  }
  const auto line = preflight::BuildWindowsCommandLine(argv);
  if (line.has_value() == (argv[0].find('"') != std::string::npos)) __builtin_trap();
  if (line) {
    std::size_t characters = 0;
    for (const auto& arg : argv) characters += arg.size();
    if (line->size() < characters) __builtin_trap();
  }
  return 0;
}

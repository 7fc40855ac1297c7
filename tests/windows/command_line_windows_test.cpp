#include <windows.h>

#include <shellapi.h>  // after windows.h, which it needs

#include <gtest/gtest.h>

#include "platform/windows_command_line.h"
#include "tests/windows/windows_test_support.h"

namespace preflight::testing {
namespace {

// The quoting against Windows' own parser: every argv must come back unchanged.
TEST(WindowsCommandLine, CommandLineToArgvWGivesBackTheArguments) {
  const std::vector<std::vector<std::string>> cases = {
      {"C:\\Program Files\\x.exe", "plain", "with space", ""},
      {"C:\\x.exe", "a\"b", "\"", "\"\"", "end\\", "C:\\my dir\\", "a\\\\\"b", "\\\\server\\s"},
      {"C:\\x.exe", "tab\tand\nnewline", "%PATH%", "a & b | c", "caf\xC3\xA9 \xE6\x97\xA5"},
  };
  for (const auto& argv : cases) {
    const auto line = BuildWindowsCommandLine(argv);
    ASSERT_TRUE(line.has_value());
    int count = 0;
    wchar_t** parsed = ::CommandLineToArgvW(W(*line).c_str(), &count);
    ASSERT_NE(parsed, nullptr);
    std::vector<std::string> back;
    for (int i = 0; i < count; ++i) back.push_back(U(parsed[i]));
    ::LocalFree(parsed);
    EXPECT_EQ(back, argv) << *line;
  }
}

}  // namespace
}  // namespace preflight::testing

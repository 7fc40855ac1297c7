#include "platform/windows_command_line.h"

#include <gtest/gtest.h>

namespace preflight {
namespace {

struct Case {
  std::vector<std::string> argv;
  std::string line;
};

// Expected lines follow the rules in "Parsing C++ command-line arguments"
// (https://learn.microsoft.com/cpp/c-language/parsing-c-command-line-arguments); the Windows build
// also feeds them to the real parser (tests/windows/command_line_windows_test.cpp).
TEST(BuildWindowsCommandLine, QuotesOnlyWhatNeedsIt) {
  const Case cases[] = {
      {{"C:\\Windows\\System32\\sc.exe", "query", "Sense"},
       "C:\\Windows\\System32\\sc.exe query Sense"},
      {{"C:\\Program Files\\x.exe", "a b"}, "\"C:\\Program Files\\x.exe\" \"a b\""},
      {{"p", ""}, "p \"\""},
      {{"p", "tab\there"}, "p \"tab\there\""},
      {{"p", "new\nline"}, "p \"new\nline\""},
      {{"p", "a\"b"}, "p \"a\\\"b\""},
      // Backslashes are literal unless they precede a quote.
      {{"p", "C:\\dir\\"}, "p C:\\dir\\"},
      {{"p", "C:\\my dir\\"}, "p \"C:\\my dir\\\\\""},
      {{"p", "a\\\"b"}, "p \"a\\\\\\\"b\""},
      {{"p", "a\\\\b c"}, "p \"a\\\\b c\""},
      {{"p", "\\\\"}, "p \\\\"},
      {{"p", "x\\ \\"}, "p \"x\\ \\\\\""},
      {{"p", "%PATH%", "&", "|"}, "p %PATH% & |"},
  };
  for (const Case& c : cases) {
    const auto line = BuildWindowsCommandLine(c.argv);
    ASSERT_TRUE(line.has_value()) << c.line;
    EXPECT_EQ(*line, c.line);
  }
}

TEST(BuildWindowsCommandLine, RefusesWhatCannotBeExpressed) {
  EXPECT_FALSE(BuildWindowsCommandLine({}).has_value());
  EXPECT_FALSE(BuildWindowsCommandLine({"C:\\a\"b.exe"}).has_value());
}

TEST(BuildWindowsCommandLine, ProgramAloneAndEmptyProgram) {
  EXPECT_EQ(BuildWindowsCommandLine({"C:\\x.exe"}).value(), "C:\\x.exe");
  EXPECT_EQ(BuildWindowsCommandLine({""}).value(), "\"\"");
}

}  // namespace
}  // namespace preflight

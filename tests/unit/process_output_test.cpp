#include "platform/process_output.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

namespace preflight {
namespace {

using namespace std::chrono_literals;

TEST(CheckRunRequest, Table) {
  const struct {
    const char* name;
    std::vector<std::string> argv;
    std::chrono::milliseconds timeout;
    const char* refusal;  // nullptr: accepted
  } cases[] = {
      {"one program", {"/bin/true"}, 1ms, nullptr},
      {"with arguments", {"/bin/echo", "a b", "", "$(x)"}, 5000ms, nullptr},
      // Relative paths are the OS runner's to refuse, after these rules.
      {"relative", {"echo"}, 1000ms, nullptr},
      {"nothing", {}, 1000ms, "no program given"},
      {"NUL in an argument",
       {"/bin/echo", std::string("a\0b", 3)},
       1000ms,
       "an argument for /bin/echo holds a NUL byte"},
      {"NUL in the program", {std::string("/bin/e\0cho", 10)}, 1000ms, "holds a NUL byte"},
      {"zero timeout", {"/bin/true"}, 0ms, "timeout for /bin/true is not positive"},
      {"negative timeout", {"/bin/true"}, -1ms, "timeout for /bin/true is not positive"},
  };
  for (const auto& c : cases) {
    const auto refused = CheckRunRequest(c.argv, c.timeout);
    if (c.refusal == nullptr) {
      EXPECT_FALSE(refused.has_value()) << c.name << ": " << refused->message;
      continue;
    }
    ASSERT_TRUE(refused.has_value()) << c.name;
    EXPECT_EQ(refused->kind, ErrorKind::kInvalid) << c.name;
    EXPECT_NE(refused->message.find(c.refusal), std::string::npos)
        << c.name << ": " << refused->message;
  }
}

TEST(CappedOutput, KeepsTheFirstCapBytesAndSaysWhenItCut) {
  const struct {
    std::size_t cap;
    std::vector<std::string> chunks;
    std::string kept;
    bool truncated;
  } cases[] = {
      {10, {}, "", false},
      {10, {"abc", "def"}, "abcdef", false},
      {6, {"abc", "def"}, "abcdef", false},
      {6, {"abc", "def", ""}, "abcdef", false},
      {5, {"abc", "def"}, "abcde", true},
      {5, {"abcde", "f"}, "abcde", true},
      {3, {"abcdef", "ghi"}, "abc", true},
      {0, {"x"}, "", true},
      {0, {""}, "", false},
      {4, {std::string("\0\xff\n\r", 4)}, std::string("\0\xff\n\r", 4), false},
  };
  for (const auto& c : cases) {
    CappedOutput output(c.cap);
    for (const std::string& chunk : c.chunks) output.Keep(chunk);
    EXPECT_EQ(output.Data(), c.kept) << c.cap;
    EXPECT_EQ(output.Truncated(), c.truncated) << c.cap << " " << c.kept;
  }
}

TEST(FinishedOutput, TruncatedWhenEitherStreamWasCut) {
  for (const bool cut_out : {false, true}) {
    for (const bool cut_err : {false, true}) {
      CappedOutput out(2);
      CappedOutput err(2);
      out.Keep(cut_out ? "out" : "ou");
      err.Keep(cut_err ? "err" : "er");
      const ProcessOutput result = FinishedOutput({137, 9}, out, err);
      EXPECT_EQ(result.out, "ou");
      EXPECT_EQ(result.err, "er");
      EXPECT_EQ(result.exit_code, 137);
      EXPECT_EQ(result.term_signal, 9);
      EXPECT_EQ(result.truncated, cut_out || cut_err) << cut_out << cut_err;
    }
  }
}

TEST(TimedOutError, SaysWhetherTheChildWasKilled) {
  const Error killed = TimedOutError("/bin/sleep", 300ms, /*killed=*/true, -1);
  EXPECT_EQ(killed.kind, ErrorKind::kTimeout);
  EXPECT_EQ(killed.message, "/bin/sleep did not finish within 300 ms and was killed");
  const Error held = TimedOutError("/bin/sh", 300ms, /*killed=*/false, 0);
  EXPECT_EQ(held.kind, ErrorKind::kTimeout);
  EXPECT_EQ(held.message,
            "/bin/sh exited with code 0 but its output stayed open past the 300 ms timeout (a "
            "background process it started holds it)");
}

TEST(RunErrors, NameTheProgram) {
  EXPECT_EQ(NotAbsoluteError("echo").kind, ErrorKind::kInvalid);
  EXPECT_EQ(NotAbsoluteError("echo").message, "program path is not absolute: echo");
  EXPECT_EQ(RunFailedError("/bin/x", "io_context: oops").kind, ErrorKind::kOther);
  EXPECT_EQ(RunFailedError("/bin/x", "io_context: oops").message,
            "running /bin/x failed: io_context: oops");
}

}  // namespace
}  // namespace preflight

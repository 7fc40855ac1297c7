#include <windows.h>

#include <tlhelp32.h>

#include <gtest/gtest.h>

#include <chrono>
#include <thread>
#include <vector>

#include "platform/process_runner.h"
#include "tests/windows/windows_test_support.h"

namespace preflight::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// Generous: Wine starts a process in tens of milliseconds, a loaded CI machine in seconds.
constexpr milliseconds kTimeout = seconds(60);

Result<ProcessOutput> RunSelf(std::vector<std::string> args, milliseconds timeout = kTimeout,
                              std::size_t max_output = 1 << 20) {
  args.insert(args.begin(), SelfPath());
  return MakeProcessRunner()->Run(args, timeout, max_output);
}

std::string Bracketed(const std::vector<std::string>& args) {
  std::string out;
  for (const auto& arg : args) out += "[" + arg + "]\n";
  return out;
}

// The threads of this process now (Tool Help snapshot); -1 when the snapshot fails.
int ThreadsOfThisProcess() {
  const HANDLE snapshot = ::CreateToolhelp32Snapshot(TH32CS_SNAPTHREAD, 0);
  if (snapshot == INVALID_HANDLE_VALUE) return -1;
  THREADENTRY32 entry{};
  entry.dwSize = sizeof entry;
  int count = 0;
  for (BOOL more = ::Thread32First(snapshot, &entry); more != FALSE;
       more = ::Thread32Next(snapshot, &entry)) {
    if (entry.th32OwnerProcessID == ::GetCurrentProcessId()) ++count;
  }
  ::CloseHandle(snapshot);
  return count;
}

TEST(WindowsProcessRunner, CmdEchoAndExitCodes) {
  const std::string cmd = SystemDirectory() + "\\cmd.exe";
  const auto echo = MakeProcessRunner()->Run({cmd, "/c", "echo", "hello"}, kTimeout, 1024);
  ASSERT_TRUE(echo.Ok()) << echo.Err().message;
  EXPECT_EQ(echo.Value().exit_code, 0);
  EXPECT_EQ(echo.Value().out, "hello\r\n");
  const auto exit3 = MakeProcessRunner()->Run({cmd, "/c", "exit", "3"}, kTimeout, 1024);
  ASSERT_TRUE(exit3.Ok()) << exit3.Err().message;
  EXPECT_EQ(exit3.Value().exit_code, 3);
}

TEST(WindowsProcessRunner, TheChildGetsExactlyOurArguments) {
  const std::vector<std::string> ascii = {"plain",           "two words", "",
                                          "quote\"inside",   "trail\\",   "C:\\my dir\\",
                                          "back\\\\\"slash", "%PATH%",    "a & b"};
  std::vector<std::string> args = {"--child-args"};
  args.insert(args.end(), ascii.begin(), ascii.end());
  const auto crt = RunSelf(args);
  ASSERT_TRUE(crt.Ok()) << crt.Err().message;
  EXPECT_EQ(crt.Value().out, Bracketed(ascii));

  const std::vector<std::string> unicode = {"caf\xC3\xA9", "\xE6\x97\xA5 \xE6\x9C\xAC", "\"x\""};
  args = {"--child-args-wide"};
  args.insert(args.end(), unicode.begin(), unicode.end());
  const auto wide = RunSelf(args);
  ASSERT_TRUE(wide.Ok()) << wide.Err().message;
  EXPECT_EQ(wide.Value().out, Bracketed(unicode));
}

TEST(WindowsProcessRunner, CapturesStderrAndExitCode) {
  const auto result = RunSelf({"--child-exit", "42"});
  ASSERT_TRUE(result.Ok()) << result.Err().message;
  EXPECT_EQ(result.Value().exit_code, 42);
  EXPECT_EQ(result.Value().err, "exiting\n");
  EXPECT_EQ(result.Value().out, "");
  EXPECT_FALSE(result.Value().truncated);
}

TEST(WindowsProcessRunner, CapsEachStreamAndDrainsTheRest) {
  // Far more than a pipe holds: the child would block forever if the rest were not drained.
  const auto result = RunSelf({"--child-flood", "300000"}, kTimeout, 1000);
  ASSERT_TRUE(result.Ok()) << result.Err().message;
  EXPECT_EQ(result.Value().exit_code, 0);
  EXPECT_EQ(result.Value().out, std::string(1000, 'x'));
  EXPECT_EQ(result.Value().err, std::string(1000, 'y'));
  EXPECT_TRUE(result.Value().truncated);
}

TEST(WindowsProcessRunner, KillsAChildPastItsTimeout) {
  const auto started = std::chrono::steady_clock::now();
  const auto result = RunSelf({"--child-sleep", "120000"}, milliseconds(500));
  ASSERT_FALSE(result.Ok());
  EXPECT_EQ(result.Err().kind, ErrorKind::kTimeout);
  EXPECT_NE(result.Err().message.find("was killed"), std::string::npos) << result.Err().message;
  // Killed, not waited for: far less than the two minutes it wanted.
  EXPECT_LT(std::chrono::steady_clock::now() - started, seconds(60));
}

TEST(WindowsProcessRunner, AGrandchildHoldingTheOutputIsKilledAtTheTimeout) {
  const auto started = std::chrono::steady_clock::now();
  const auto result = RunSelf({"--child-orphan", "120000"}, milliseconds(2000));
  ASSERT_FALSE(result.Ok());
  EXPECT_EQ(result.Err().kind, ErrorKind::kTimeout);
  EXPECT_NE(result.Err().message.find("output stayed open"), std::string::npos)
      << result.Err().message;
  EXPECT_LT(std::chrono::steady_clock::now() - started, seconds(60));
}

TEST(WindowsProcessRunner, RefusesWhatIsNotAnExactProgram) {
  const auto runner = MakeProcessRunner();
  EXPECT_EQ(runner->Run({}, kTimeout, 10).Err().kind, ErrorKind::kInvalid);
  EXPECT_EQ(runner->Run({"cmd.exe", "/c", "echo"}, kTimeout, 10).Err().kind, ErrorKind::kInvalid);
  EXPECT_EQ(runner->Run({SelfPath(), std::string("a\0b", 3)}, kTimeout, 10).Err().kind,
            ErrorKind::kInvalid);
  EXPECT_EQ(runner->Run({SelfPath(), "--child-exit", "0"}, milliseconds(0), 10).Err().kind,
            ErrorKind::kInvalid);
  const auto missing = runner->Run({"C:\\no\\such\\program.exe"}, kTimeout, 10);
  ASSERT_FALSE(missing.Ok());
  EXPECT_EQ(missing.Err().kind, ErrorKind::kNotFound) << missing.Err().message;
}

// Each run's pipes stay its own: a child started concurrently must not inherit another run's
// write end, or that run would wait for the wrong child.
TEST(WindowsProcessRunner, ConcurrentRunsKeepTheirOwnOutput) {
  constexpr int kRuns = 4;
  std::vector<Result<ProcessOutput>> results(kRuns, MakeError(ErrorKind::kOther, "not run"));
  std::vector<std::thread> threads;
  for (int i = 0; i < kRuns; ++i) {
    threads.emplace_back([&results, i] {
      results[i] = RunSelf({"--child-args", std::string("run") + std::to_string(i)});
    });
  }
  for (auto& thread : threads) thread.join();
  for (int i = 0; i < kRuns; ++i) {
    ASSERT_TRUE(results[i].Ok()) << results[i].Err().message;
    EXPECT_EQ(results[i].Value().out, std::string("[run") + std::to_string(i) + "]\n");
  }
}

// A service runs processes on every cycle for months: a run must leave no thread behind. A thread
// left running after its run's io_context was freed once wrote into freed memory, and the next run
// hung on a critical section it had corrupted.
TEST(WindowsProcessRunner, RunsLeaveNoThreadBehind) {
  const std::string cmd = SystemDirectory() + "\\cmd.exe";
  const auto warm = MakeProcessRunner()->Run({cmd, "/c", "exit", "0"}, kTimeout, 1024);
  ASSERT_TRUE(warm.Ok()) << warm.Err().message;
  const int before = ThreadsOfThisProcess();
  ASSERT_GT(before, 0);
  constexpr int kRuns = 20;
  for (int i = 0; i < kRuns; ++i) {
    const auto run = MakeProcessRunner()->Run({cmd, "/c", "exit", "0"}, kTimeout, 1024);
    ASSERT_TRUE(run.Ok()) << run.Err().message;
  }
  // The system's thread pool may keep a few idle workers; one thread per run is a leak.
  EXPECT_LT(ThreadsOfThisProcess(), before + kRuns / 2);
}

// A run closes only its own handles: an event made just before each run, whose handle value the
// run could otherwise see freed and reused, is still an unsignalled event after all of them.
TEST(WindowsProcessRunner, RunsCloseOnlyTheirOwnHandles) {
  const std::string cmd = SystemDirectory() + "\\cmd.exe";
  std::vector<HANDLE> canaries;
  constexpr int kRuns = 10;
  for (int i = 0; i < kRuns; ++i) {
    HANDLE canary = ::CreateEventW(nullptr, TRUE, FALSE, nullptr);
    ASSERT_NE(canary, nullptr);
    canaries.push_back(canary);
    const auto run = MakeProcessRunner()->Run({cmd, "/c", "echo", "x"}, kTimeout, 1024);
    ASSERT_TRUE(run.Ok()) << run.Err().message;
  }
  for (HANDLE canary : canaries) {
    EXPECT_EQ(::WaitForSingleObject(canary, 0), static_cast<DWORD>(WAIT_TIMEOUT))
        << "handle " << canary << ": " << ::GetLastError();
    EXPECT_TRUE(::CloseHandle(canary)) << "handle " << canary << " was closed by a run";
  }
}

}  // namespace
}  // namespace preflight::testing

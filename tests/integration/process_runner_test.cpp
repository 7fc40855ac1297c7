// Runs real programs through the real runner. Linux only (/proc, /bin/sh, coreutils).

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "platform/process_runner.h"

namespace preflight {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

constexpr milliseconds kGenerous{10000};  // far beyond what any command here needs
constexpr std::size_t kCap = 1 << 20;

std::string ReadSmallFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Processes whose parent is this test process, alive or zombie, read from /proc without reaping.
std::vector<int> ChildrenOfThisProcess() {
  std::vector<int> children;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    const std::string stat = ReadSmallFile("/proc/" + name + "/stat");
    const auto close = stat.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream rest(stat.substr(close + 1));
    std::string state;
    int ppid = 0;
    rest >> state >> ppid;
    if (ppid == ::getpid()) children.push_back(std::stoi(name));
  }
  return children;
}

// Live (not zombie) processes whose command line contains `marker`.
int LiveProcessesWith(const std::string& marker) {
  int count = 0;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::string cmdline = ReadSmallFile("/proc/" + name + "/cmdline");
    if (cmdline.find(marker) != std::string::npos) ++count;  // zombies have an empty cmdline
  }
  return count;
}

std::size_t OpenFdCount() {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
    ++n;
  }
  return n;
}

void ExpectNoChildLeft() {
  EXPECT_TRUE(ChildrenOfThisProcess().empty());
  errno = 0;
  EXPECT_EQ(::waitpid(-1, nullptr, WNOHANG), -1);
  EXPECT_EQ(errno, ECHILD);
}

class ProcessRunnerTest : public ::testing::Test {
 protected:
  std::unique_ptr<ProcessRunner> runner_ = MakeProcessRunner();
};

TEST_F(ProcessRunnerTest, CapturesStdoutAndExitCodeZero) {
  const auto r = runner_->Run({"/bin/echo", "hello", "two words"}, kGenerous, kCap);
  ASSERT_TRUE(r.Ok()) << r.Err().message;
  EXPECT_EQ(r.Value().out, "hello two words\n");
  EXPECT_EQ(r.Value().err, "");
  EXPECT_EQ(r.Value().exit_code, 0);
  EXPECT_EQ(r.Value().term_signal, 0);
  EXPECT_FALSE(r.Value().truncated);
  ExpectNoChildLeft();
}

TEST_F(ProcessRunnerTest, ReportsNonZeroExitCode) {
  const auto r = runner_->Run({"/bin/sh", "-c", "exit 3"}, kGenerous, kCap);
  ASSERT_TRUE(r.Ok()) << r.Err().message;
  EXPECT_EQ(r.Value().exit_code, 3);
  EXPECT_EQ(r.Value().term_signal, 0);
}

TEST_F(ProcessRunnerTest, CapturesStderrSeparately) {
  const auto r = runner_->Run({"/bin/sh", "-c", "echo to-out; echo to-err >&2; echo more-out"},
                              kGenerous, kCap);
  ASSERT_TRUE(r.Ok()) << r.Err().message;
  EXPECT_EQ(r.Value().out, "to-out\nmore-out\n");
  EXPECT_EQ(r.Value().err, "to-err\n");
}

TEST_F(ProcessRunnerTest, ArgumentsAreNotInterpretedByAShell) {
  const auto r = runner_->Run({"/bin/echo", "$HOME", "a;b", "`id`", "*"}, kGenerous, kCap);
  ASSERT_TRUE(r.Ok()) << r.Err().message;
  EXPECT_EQ(r.Value().out, "$HOME a;b `id` *\n");
}

TEST_F(ProcessRunnerTest, KeepsBinaryOutput) {
  const auto r = runner_->Run({"/usr/bin/printf", "a\\000b\\377"}, kGenerous, kCap);
  ASSERT_TRUE(r.Ok()) << r.Err().message;
  EXPECT_EQ(r.Value().out, std::string("a\0b\xff", 4));
}

TEST_F(ProcessRunnerTest, ReportsSignalDeathAs128PlusSignal) {
  const auto r = runner_->Run({"/bin/sh", "-c", "kill -TERM $$; sleep 5"}, kGenerous, kCap);
  ASSERT_TRUE(r.Ok()) << r.Err().message;
  EXPECT_EQ(r.Value().term_signal, SIGTERM);
  EXPECT_EQ(r.Value().exit_code, 128 + SIGTERM);
}

TEST_F(ProcessRunnerTest, TimeoutKillsAndReapsTheChild) {
  const auto start = steady_clock::now();
  const auto r = runner_->Run({"/bin/sleep", "30"}, milliseconds(300), kCap);
  const auto elapsed = steady_clock::now() - start;
  ASSERT_FALSE(r.Ok());
  EXPECT_EQ(r.Err().kind, ErrorKind::kTimeout);
  EXPECT_NE(r.Err().message.find("300 ms"), std::string::npos) << r.Err().message;
  EXPECT_GE(elapsed, milliseconds(300));
  EXPECT_LT(elapsed, milliseconds(5000));  // nowhere near the 30 s the child wanted
  ExpectNoChildLeft();
}

TEST_F(ProcessRunnerTest, TimeoutAlsoKillsGrandchildren) {
  // A marker no other process has: the grandchild sleep carries it in its command line.
  const std::string marker = "29.7" + std::to_string(::getpid() % 1000);
  const auto r = runner_->Run({"/bin/sh", "-c", "/bin/sleep " + marker + "; echo never"},
                              milliseconds(300), kCap);
  ASSERT_FALSE(r.Ok());
  EXPECT_EQ(r.Err().kind, ErrorKind::kTimeout);
  // SIGKILL went to the whole process group; give the kernel a moment to tear the sleep down.
  for (int i = 0; i < 100 && LiveProcessesWith(marker) > 0; ++i) {
    std::this_thread::sleep_for(milliseconds(10));
  }
  EXPECT_EQ(LiveProcessesWith(marker), 0);
  ExpectNoChildLeft();
}

TEST_F(ProcessRunnerTest, CapsOutputAndKeepsDraining) {
  // 1 MB is 16 times a default pipe buffer: the child would block forever if we stopped reading.
  const auto r = runner_->Run({"/usr/bin/head", "-c", "1000000", "/dev/zero"}, kGenerous, 4096);
  ASSERT_TRUE(r.Ok()) << r.Err().message;
  EXPECT_EQ(r.Value().out.size(), 4096U);
  EXPECT_EQ(r.Value().out, std::string(4096, '\0'));
  EXPECT_TRUE(r.Value().truncated);
  EXPECT_EQ(r.Value().exit_code, 0);
}

TEST_F(ProcessRunnerTest, CapsStderrIndependently) {
  const auto r = runner_->Run({"/bin/sh", "-c", "/usr/bin/head -c 100000 /dev/zero >&2; echo done"},
                              kGenerous, 1000);
  ASSERT_TRUE(r.Ok()) << r.Err().message;
  EXPECT_EQ(r.Value().err.size(), 1000U);
  EXPECT_EQ(r.Value().out, "done\n");
  EXPECT_TRUE(r.Value().truncated);
}

TEST_F(ProcessRunnerTest, ZeroCapKeepsNothingButSaysSo) {
  const auto r = runner_->Run({"/bin/echo", "x"}, kGenerous, 0);
  ASSERT_TRUE(r.Ok()) << r.Err().message;
  EXPECT_EQ(r.Value().out, "");
  EXPECT_TRUE(r.Value().truncated);
}

TEST_F(ProcessRunnerTest, EndlessOutputEndsAtTheTimeout) {
  const auto start = steady_clock::now();
  const auto r = runner_->Run({"/usr/bin/yes"}, milliseconds(300), 100);
  ASSERT_FALSE(r.Ok());
  EXPECT_EQ(r.Err().kind, ErrorKind::kTimeout);
  EXPECT_LT(steady_clock::now() - start, milliseconds(5000));
  ExpectNoChildLeft();
}

TEST_F(ProcessRunnerTest, MissingProgramIsNotFound) {
  const auto r = runner_->Run({"/nonexistent/preflight-no-such-program"}, kGenerous, kCap);
  ASSERT_FALSE(r.Ok());
  EXPECT_EQ(r.Err().kind, ErrorKind::kNotFound);
  EXPECT_NE(r.Err().message.find("/nonexistent/preflight-no-such-program"), std::string::npos);
  ExpectNoChildLeft();
}

pid_t g_test_pid = 0;
std::string g_atexit_marker;

// Runs at exit in any process that calls exit(3), including a forked child that does.
void WriteMarkerIfForked() {
  if (::getpid() != g_test_pid) std::ofstream(g_atexit_marker) << "ran in a forked child\n";
}

TEST_F(ProcessRunnerTest, FailedExecDoesNotRunTheParentsExitHandlers) {
  g_test_pid = ::getpid();
  g_atexit_marker = ::testing::TempDir() + "preflight-atexit-" + std::to_string(g_test_pid);
  std::remove(g_atexit_marker.c_str());
  ASSERT_EQ(std::atexit(WriteMarkerIfForked), 0);
  const auto r = runner_->Run({"/nonexistent/x"}, kGenerous, kCap);
  ASSERT_FALSE(r.Ok());
  EXPECT_EQ(r.Err().kind, ErrorKind::kNotFound);
  EXPECT_FALSE(std::filesystem::exists(g_atexit_marker));
  std::remove(g_atexit_marker.c_str());
}

TEST_F(ProcessRunnerTest, NonExecutableFileAndDirectoryArePermissionErrors) {
  const std::string path = ::testing::TempDir() + "preflight-not-executable.txt";
  { std::ofstream(path) << "#!/bin/sh\necho hi\n"; }
  ::chmod(path.c_str(), 0644);  // no execute bit for anyone, so even root gets EACCES
  for (const std::string& program : {path, std::string("/tmp")}) {
    const auto r = runner_->Run({program}, kGenerous, kCap);
    ASSERT_FALSE(r.Ok()) << program;
    EXPECT_EQ(r.Err().kind, ErrorKind::kPermission) << program << ": " << r.Err().message;
  }
  std::remove(path.c_str());
  ExpectNoChildLeft();
}

TEST_F(ProcessRunnerTest, RefusesRelativeProgramsAndBadInput) {
  for (const std::vector<std::string>& argv :
       std::vector<std::vector<std::string>>{{"echo", "x"}, {"bin/echo"}, {"./echo"}, {}, {""}}) {
    const auto r = runner_->Run(argv, kGenerous, kCap);
    ASSERT_FALSE(r.Ok());
    EXPECT_EQ(r.Err().kind, ErrorKind::kInvalid);
  }
  const auto nul = runner_->Run({"/bin/echo", std::string("a\0b", 3)}, kGenerous, kCap);
  ASSERT_FALSE(nul.Ok());
  EXPECT_EQ(nul.Err().kind, ErrorKind::kInvalid);
  const auto zero = runner_->Run({"/bin/echo"}, milliseconds(0), kCap);
  ASSERT_FALSE(zero.Ok());
  EXPECT_EQ(zero.Err().kind, ErrorKind::kInvalid);
  ExpectNoChildLeft();
}

TEST_F(ProcessRunnerTest, StdinIsTheNullDevice) {
  const auto r = runner_->Run({"/usr/bin/readlink", "/proc/self/fd/0"}, kGenerous, kCap);
  ASSERT_TRUE(r.Ok()) << r.Err().message;
  EXPECT_EQ(r.Value().out, "/dev/null\n");
  const auto cat = runner_->Run({"/bin/cat"}, kGenerous, kCap);  // would block on a terminal
  ASSERT_TRUE(cat.Ok()) << cat.Err().message;
  EXPECT_EQ(cat.Value().out, "");
}

TEST_F(ProcessRunnerTest, ChildInheritsOnlyStdio) {
  // A descriptor without close-on-exec, as another library of the agent might leave one.
  int leaky[2];
  ASSERT_EQ(::pipe(leaky), 0);
  const auto r = runner_->Run({"/bin/ls", "/proc/self/fd"}, kGenerous, kCap);
  ::close(leaky[0]);
  ::close(leaky[1]);
  ASSERT_TRUE(r.Ok()) << r.Err().message;
  // 0-2 are stdio; 3 is the directory ls itself opened to list /proc/self/fd.
  EXPECT_EQ(r.Value().out, "0\n1\n2\n3\n");
}

TEST_F(ProcessRunnerTest, ChildGetsCleanSignalStateAndItsOwnProcessGroup) {
  sigset_t term;
  sigemptyset(&term);
  sigaddset(&term, SIGTERM);
  sigset_t old_mask;
  ASSERT_EQ(::pthread_sigmask(SIG_BLOCK, &term, &old_mask), 0);
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  struct sigaction old_pipe {};
  ASSERT_EQ(::sigaction(SIGPIPE, &ignore, &old_pipe), 0);

  const auto status =
      runner_->Run({"/bin/grep", "-E", "^Sig(Blk|Ign)", "/proc/self/status"}, kGenerous, kCap);
  const auto stat = runner_->Run({"/bin/cat", "/proc/self/stat"}, kGenerous, kCap);

  ::sigaction(SIGPIPE, &old_pipe, nullptr);
  ::pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
  ASSERT_TRUE(status.Ok()) << status.Err().message;
  ASSERT_TRUE(stat.Ok()) << stat.Err().message;

  std::istringstream lines(status.Value().out);
  std::string line;
  int seen = 0;
  while (std::getline(lines, line)) {
    const unsigned long long mask = std::stoull(line.substr(line.find(':') + 1), nullptr, 16);
    if (line.rfind("SigBlk", 0) == 0) {
      EXPECT_EQ(mask, 0U) << line;
    } else {
      EXPECT_EQ(mask & (1ULL << (SIGPIPE - 1)), 0U) << line;
    }
    ++seen;
  }
  EXPECT_EQ(seen, 2);

  // /proc/<pid>/stat: pid (comm) state ppid pgrp ... (proc(5)).
  const std::string& s = stat.Value().out;
  const int pid = std::stoi(s);
  std::istringstream rest(s.substr(s.rfind(')') + 1));
  std::string state;
  int ppid = 0;
  int pgrp = 0;
  rest >> state >> ppid >> pgrp;
  EXPECT_EQ(ppid, ::getpid());
  EXPECT_EQ(pgrp, pid);
}

TEST_F(ProcessRunnerTest, ConcurrentRunsFromThreadsAreIndependent) {
  constexpr int kThreads = 8;
  constexpr int kRunsPerThread = 5;
  std::vector<std::string> failures(kThreads);
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([this, t, &failures] {
      for (int i = 0; i < kRunsPerThread; ++i) {
        const std::string id = std::to_string(t) + "-" + std::to_string(i);
        const auto r = runner_->Run(
            {"/bin/sh", "-c", "echo out-$1; echo err-$1 >&2; exit $2", "sh", id, std::to_string(t)},
            kGenerous, kCap);
        if (!r.Ok()) {
          failures[t] += id + ": " + r.Err().message + "\n";
        } else if (r.Value().out != "out-" + id + "\n" || r.Value().err != "err-" + id + "\n" ||
                   r.Value().exit_code != t) {
          failures[t] += id + ": got out=" + r.Value().out + " err=" + r.Value().err +
                         " code=" + std::to_string(r.Value().exit_code) + "\n";
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(failures[t], "") << "thread " << t;
  ExpectNoChildLeft();
}

TEST_F(ProcessRunnerTest, NoDescriptorOrChildLeaksOverManyRuns) {
  ASSERT_TRUE(runner_->Run({"/bin/true"}, kGenerous, kCap).Ok());  // warm-up
  const std::size_t before = OpenFdCount();
  for (int i = 0; i < 50; ++i) {
    switch (i % 5) {
      case 0:
        EXPECT_FALSE(runner_->Run({"/nonexistent/x"}, kGenerous, kCap).Ok());
        break;
      case 1:
        EXPECT_FALSE(runner_->Run({"/bin/sleep", "5"}, milliseconds(20), kCap).Ok());
        break;
      case 2:
        EXPECT_TRUE(
            runner_->Run({"/usr/bin/head", "-c", "70000", "/dev/zero"}, kGenerous, 10).Ok());
        break;
      default:
        EXPECT_TRUE(runner_->Run({"/bin/echo", std::to_string(i)}, kGenerous, kCap).Ok());
    }
  }
  EXPECT_EQ(OpenFdCount(), before);
  ExpectNoChildLeft();
}

}  // namespace
}  // namespace preflight

// The service's notify protocol against a socket this test listens on, as systemd's would be:
// READY=1 after the first report, WATCHDOG=1 at half the period, RELOADING=1 on SIGHUP, STOPPING=1
// on SIGTERM. https://www.freedesktop.org/software/systemd/man/latest/sd_notify.html

#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>

#include <gtest/gtest.h>

#include "tests/integration/service_process.h"

namespace preflight::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr milliseconds kSoon = seconds(30);

// A datagram socket bound at a path, as systemd's notify socket.
class NotifyListener {
 public:
  explicit NotifyListener(const std::string& path) : path_(path) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
    bound_ =
        fd_ >= 0 && ::bind(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
  }
  ~NotifyListener() {
    if (fd_ >= 0) ::close(fd_);
  }
  NotifyListener(const NotifyListener&) = delete;
  NotifyListener& operator=(const NotifyListener&) = delete;
  bool bound() const { return bound_; }

  // The next message, or empty when none came within `timeout`.
  std::string Next(milliseconds timeout) const {
    pollfd fd{fd_, POLLIN, 0};
    if (::poll(&fd, 1, static_cast<int>(timeout.count())) <= 0) return {};
    char buffer[4096];
    const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
    return n > 0 ? std::string(buffer, static_cast<std::size_t>(n)) : std::string();
  }
  // Messages until one contains `wanted` (returned) or `timeout` passes (empty); the others go to
  // `seen`.
  std::string Until(const std::string& wanted, milliseconds timeout,
                    std::vector<std::string>* seen = nullptr) const {
    const auto until = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < until) {
      const auto left =
          std::chrono::duration_cast<milliseconds>(until - std::chrono::steady_clock::now());
      std::string message = Next(left);
      if (message.find(wanted) != std::string::npos) return message;
      if (seen != nullptr && !message.empty()) seen->push_back(message);
    }
    return {};
  }

 private:
  std::string path_;
  int fd_ = -1;
  bool bound_ = false;
};

std::string WriteConfig(const ScratchDir& dir, const std::string& report) {
  const std::string config = dir.path() + "/config.json";
  WriteWhole(config, nlohmann::json{{"report_path", report},
                                    {"offline", true},
                                    {"interval_seconds", 3600},
                                    {"only", {"linux.os"}}}
                         .dump());
  return config;
}

TEST(ServiceNotify, ReadyAfterTheReportThenWatchdogReloadingAndStopping) {
  const ScratchDir dir;
  const std::string report = dir.path() + "/report.json";
  const NotifyListener listener(dir.path() + "/notify");
  ASSERT_TRUE(listener.bound());
  // 400 ms: pings every 200 ms.
  auto service = ServiceProcess::Start(
      WriteConfig(dir, report), {"NOTIFY_SOCKET=" + dir.path() + "/notify", "WATCHDOG_USEC=400000"},
      dir.path() + "/stderr.log");
  ASSERT_TRUE(service);

  const std::string ready = listener.Until("READY=1", kSoon);
  ASSERT_FALSE(ready.empty()) << ReadText(dir.path() + "/stderr.log");
  // Ready means a report exists: it was written before the message was sent.
  const nlohmann::json written = ReadJson(report);
  ASSERT_TRUE(written.is_object());
  EXPECT_NE(ready.find("STATUS=verdict " + written["verdict"].get<std::string>()),
            std::string::npos)
      << ready;

  // The watchdog is fed while the loop waits for its next check (an hour away).
  int pings = 0;
  for (int i = 0; i < 3; ++i) {
    if (!listener.Until("WATCHDOG=1", seconds(10)).empty()) ++pings;
  }
  EXPECT_EQ(pings, 3);

  service->Signal(SIGHUP);
  const std::string reloading = listener.Until("RELOADING=1", kSoon);
  ASSERT_FALSE(reloading.empty());
  EXPECT_NE(reloading.find("\nMONOTONIC_USEC="), std::string::npos) << reloading;
  EXPECT_FALSE(listener.Until("READY=1", kSoon).empty()) << "no READY=1 after the reload";

  service->Signal(SIGTERM);
  EXPECT_FALSE(listener.Until("STOPPING=1", kSoon).empty());
  const auto status = service->Wait(kSoon);
  ASSERT_TRUE(status.has_value());
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << *status;
}

// WATCHDOG_PID names another process: the watchdog is not ours to feed (sd_watchdog_enabled).
TEST(ServiceNotify, NoWatchdogPingsWhenThePeriodIsForAnotherProcess) {
  const ScratchDir dir;
  const std::string report = dir.path() + "/report.json";
  const NotifyListener listener(dir.path() + "/notify");
  ASSERT_TRUE(listener.bound());
  auto service = ServiceProcess::Start(
      WriteConfig(dir, report),
      {"NOTIFY_SOCKET=" + dir.path() + "/notify", "WATCHDOG_USEC=200000", "WATCHDOG_PID=1"},
      dir.path() + "/stderr.log");
  ASSERT_TRUE(service);
  std::vector<std::string> seen;
  ASSERT_FALSE(listener.Until("READY=1", kSoon, &seen).empty());
  // Ten periods: a ping every 100 ms would have come many times.
  EXPECT_TRUE(listener.Until("WATCHDOG=1", seconds(2), &seen).empty());
  for (const auto& message : seen) EXPECT_EQ(message.find("WATCHDOG=1"), std::string::npos);
  service->Signal(SIGTERM);
  EXPECT_TRUE(service->Wait(kSoon).has_value());
}

}  // namespace
}  // namespace preflight::testing

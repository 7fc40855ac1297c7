// The journal sink and the notifier against datagram sockets this test binds: what journald and
// systemd would receive.

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <spdlog/logger.h>

#include <cstring>
#include <map>
#include <memory>

#include "agent/journal_sink.h"
#include "platform/local_datagram.h"
#include "platform/service_notifier.h"
#include "tests/fakes/fake_platform.h"

namespace preflight {
namespace {

// A bound AF_UNIX datagram socket; `address` is sun_path's bytes ("\0name" for abstract).
class Listener {
 public:
  explicit Listener(const std::string& address) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un un{};
    un.sun_family = AF_UNIX;
    std::memcpy(un.sun_path, address.data(), address.size());
    const auto length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + address.size() +
                                               (address.front() == '\0' ? 0 : 1));
    bound_ = fd_ >= 0 && ::bind(fd_, reinterpret_cast<const sockaddr*>(&un), length) == 0;
  }
  ~Listener() {
    if (fd_ >= 0) ::close(fd_);
  }
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;
  bool bound() const { return bound_; }
  std::string Next() const {
    pollfd fd{fd_, POLLIN, 0};
    if (::poll(&fd, 1, 10'000) <= 0) return {};
    char buffer[65536];
    const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
    return n > 0 ? std::string(buffer, static_cast<std::size_t>(n)) : std::string();
  }
  bool Quiet() const {
    pollfd fd{fd_, POLLIN, 0};
    return ::poll(&fd, 1, 100) == 0;
  }

 private:
  int fd_ = -1;
  bool bound_ = false;
};

// Decodes an entry of the native protocol (both field forms) as a journald would.
std::map<std::string, std::string> Decode(const std::string& entry) {
  std::map<std::string, std::string> fields;
  std::size_t at = 0;
  while (at < entry.size()) {
    const std::size_t end = entry.find_first_of("=\n", at);
    if (end == std::string::npos) break;
    const std::string name = entry.substr(at, end - at);
    if (entry[end] == '=') {
      const std::size_t newline = entry.find('\n', end);
      fields[name] = entry.substr(end + 1, newline - end - 1);
      at = newline + 1;
    } else {
      std::uint64_t length = 0;
      for (int byte = 7; byte >= 0; --byte) {
        length = (length << 8) | static_cast<unsigned char>(entry[end + 1 + byte]);
      }
      fields[name] = entry.substr(end + 9, length);
      at = end + 9 + length + 1;
    }
  }
  return fields;
}

std::string TempSocketPath(const char* name) {
  return "/tmp/mde-preflight-" + std::to_string(::getpid()) + "-" + name;
}

TEST(JournalSink, SendsStructuredFieldsToTheJournalSocket) {
  const std::string path = TempSocketPath("journal");
  ::unlink(path.c_str());
  const Listener journal(path);
  ASSERT_TRUE(journal.bound());
  auto fields = std::make_shared<ServiceLogFields>();
  auto sink = std::make_shared<JournalSink>(LocalDatagram::Open(path), fields);
  spdlog::logger logger("test", sink);
  logger.set_level(spdlog::level::debug);

  logger.info("service started");
  auto entry = Decode(journal.Next());
  EXPECT_EQ(entry["MESSAGE"], "service started");
  EXPECT_EQ(entry["PRIORITY"], "6");
  EXPECT_EQ(entry["SYSLOG_IDENTIFIER"], "mde-preflight");
  EXPECT_EQ(entry.count("MDE_PREFLIGHT_VERDICT"), 0U);  // no report yet

  fields->Set("blocked", "/var/lib/mde-preflight/report.json");
  logger.warn("verdict changed from ready to blocked\nfailing: linux.fanotify");
  entry = Decode(journal.Next());
  EXPECT_EQ(entry["MESSAGE"], "verdict changed from ready to blocked\nfailing: linux.fanotify");
  EXPECT_EQ(entry["PRIORITY"], "4");
  EXPECT_EQ(entry["MDE_PREFLIGHT_VERDICT"], "blocked");
  EXPECT_EQ(entry["MDE_PREFLIGHT_REPORT"], "/var/lib/mde-preflight/report.json");

  logger.error("cannot write the report");
  EXPECT_EQ(Decode(journal.Next())["PRIORITY"], "3");
  logger.debug("one check");
  EXPECT_EQ(Decode(journal.Next())["PRIORITY"], "7");
  ::unlink(path.c_str());
}

TEST(JournalSink, OnlyWhenJournalStreamNamesStandardError) {
  testing::FakeEnvironment env;
  EXPECT_FALSE(StderrIsJournal(env));
  const auto self = StderrFileId();
  ASSERT_TRUE(self);
  env.Set("JOURNAL_STREAM", std::to_string(self->device) + ":" + std::to_string(self->inode));
  EXPECT_TRUE(StderrIsJournal(env));
  // A stream systemd set up for a parent whose stderr we no longer share.
  env.Set("JOURNAL_STREAM", std::to_string(self->device) + ":" + std::to_string(self->inode + 1));
  EXPECT_FALSE(StderrIsJournal(env));
}

TEST(ServiceNotifier, SpeaksToAnAbstractSocketAndReadsTheWatchdog) {
  const std::string name = "mde-preflight-notify-test-" + std::to_string(::getpid());
  const Listener manager(std::string(1, '\0') + name);
  ASSERT_TRUE(manager.bound());
  testing::FakeEnvironment env;
  env.Set("NOTIFY_SOCKET", "@" + name);
  env.Set("WATCHDOG_USEC", "5000000");
  const ServiceNotifier notifier = ServiceNotifier::FromEnvironment(env);
  EXPECT_EQ(notifier.WatchdogPeriod(), std::chrono::microseconds(5'000'000));
  notifier.Send("READY=1\nSTATUS=verdict ready\n");
  EXPECT_EQ(manager.Next(), "READY=1\nSTATUS=verdict ready\n");

  // Without NOTIFY_SOCKET nothing is sent and there is no watchdog, whatever WATCHDOG_USEC says.
  testing::FakeEnvironment plain;
  plain.Set("WATCHDOG_USEC", "5000000");
  const ServiceNotifier silent = ServiceNotifier::FromEnvironment(plain);
  EXPECT_FALSE(silent.WatchdogPeriod());
  silent.Send("READY=1\n");
  EXPECT_TRUE(manager.Quiet());
}

}  // namespace
}  // namespace preflight

// The service's pure decisions and formats, by table: jitter, the watchdog's promise, verdict
// changes and the bounded history, where its files go, and the notify and journal wire formats.

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <string>

#include "agent/service_loop.h"
#include "agent/service_schedule.h"
#include "agent/verdict_history.h"
#include "platform/journal_protocol.h"
#include "platform/notify_protocol.h"

namespace preflight {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

TEST(NextCheckDelay, AddsAJitterOfAtMostATenthCappedAtAnHour) {
  struct Case {
    milliseconds interval;
    std::uint64_t random;
    milliseconds expected;
  };
  const Case cases[] = {
      {hours(6), 0, hours(6)},                               // the smallest draw: no jitter
      {hours(6), 36 * 60 * 1000, hours(6) + minutes(36)},    // the largest: a tenth
      {hours(6), 36 * 60 * 1000 + 1, hours(6)},              // wraps, never past the bound
      {minutes(5), 30'000, minutes(5) + seconds(30)},        // a tenth of 5 min
      {hours(7 * 24), 3'600'000, hours(7 * 24) + hours(1)},  // a week: capped at 1 h
      {hours(7 * 24), 3'600'001, hours(7 * 24)},             // ... and wraps there
      {seconds(1), 100, seconds(1) + milliseconds(100)},     // interval_seconds: 1
      {seconds(1), 101, seconds(1)},
      {milliseconds(0), 12345, milliseconds(0)},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::to_string(c.interval.count()) + " ms, random " + std::to_string(c.random));
    EXPECT_EQ(NextCheckDelay(c.interval, c.random), c.expected);
  }
  // Over many draws the delay stays in [interval, interval + bound] and uses the whole range.
  milliseconds low = hours(24);
  milliseconds high{0};
  for (std::uint64_t r = 0; r < 100'000; r += 7) {
    const auto delay = NextCheckDelay(minutes(10), r * 2654435761ULL);
    low = (std::min)(low, delay);
    high = (std::max)(high, delay);
  }
  EXPECT_GE(low, minutes(10));
  EXPECT_LE(high, minutes(11));
  EXPECT_GT(high - low, seconds(50));
}

TEST(Watchdog, PingsOnlyWhileTheLoopKeepsItsPromiseAtHalfThePeriod) {
  const auto t0 = std::chrono::steady_clock::time_point(hours(1));
  EXPECT_TRUE(KeepsPromise(t0, t0 + seconds(1)));
  EXPECT_TRUE(KeepsPromise(t0, t0));
  EXPECT_FALSE(KeepsPromise(t0 + milliseconds(1), t0));
  EXPECT_EQ(WatchdogPingEvery(std::chrono::microseconds(400'000)),
            std::chrono::microseconds(200'000));
  EXPECT_EQ(WatchdogPingEvery(std::chrono::microseconds(1)), std::chrono::microseconds(1));
}

nlohmann::json Report(const std::string& verdict, const std::vector<std::string>& failing) {
  nlohmann::json report = {{"verdict", verdict},
                           {"generated_at", "2026-12-03T10:00:00Z"},
                           {"checks", nlohmann::json::array()}};
  report["checks"].push_back({{"id", "linux.os"}, {"status", "pass"}});
  for (const auto& id : failing) report["checks"].push_back({{"id", id}, {"status", "fail"}});
  report["checks"].push_back({{"id", "linux.kernel"}, {"status", "warn"}});
  return report;
}

TEST(VerdictChange, DetectedWhenTheVerdictDiffersOrIsTheFirst) {
  struct Case {
    std::optional<std::string> previous;
    nlohmann::json report;
    bool change;
  };
  const Case cases[] = {
      {std::nullopt, Report("ready", {}), true},
      {"ready", Report("ready", {}), false},
      {"ready", Report("blocked", {"linux.fanotify"}), true},
      {"blocked", Report("blocked", {"linux.fanotify", "mde.install"}), false},
      {"onboarded", Report("unhealthy", {"mde.install"}), true},
      {"ready", nlohmann::json{{"checks", nlohmann::json::array()}}, false},  // no verdict
      {"ready", nlohmann::json::array(), false},                              // not a report
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.previous.value_or("(none)") + " -> " + c.report.dump());
    EXPECT_EQ(DetectVerdictChange(c.previous, c.report).has_value(), c.change);
  }
  const auto change = DetectVerdictChange("ready", Report("blocked", {"linux.fanotify", "a.b"}));
  ASSERT_TRUE(change);
  EXPECT_EQ(change->from, "ready");
  EXPECT_EQ(change->to, "blocked");
  EXPECT_EQ(change->time, "2026-12-03T10:00:00Z");
  EXPECT_EQ(change->failing, (std::vector<std::string>{"linux.fanotify", "a.b"}));
  const auto line = nlohmann::json::parse(HistoryLine(*change));
  EXPECT_EQ(line, (nlohmann::json{{"time", "2026-12-03T10:00:00Z"},
                                  {"from", "ready"},
                                  {"to", "blocked"},
                                  {"failing", {"linux.fanotify", "a.b"}}}));
  EXPECT_TRUE(nlohmann::json::parse(
                  HistoryLine(*DetectVerdictChange(std::nullopt, Report("ready", {}))))["from"]
                  .is_null());
}

TEST(VerdictChange, NamesAtMostABoundedNumberOfFailingChecks) {
  std::vector<std::string> many;
  for (int i = 0; i < 100; ++i) many.push_back("check." + std::to_string(i));
  const auto change = DetectVerdictChange("ready", Report("blocked", many));
  ASSERT_TRUE(change);
  EXPECT_EQ(change->failing.size(), kHistoryMaxFailing);
  EXPECT_EQ(change->failing.front(), "check.0");
}

std::string Line(int n) {
  VerdictChange change{"t" + std::to_string(n), "ready", n % 2 ? "blocked" : "ready", {}};
  return HistoryLine(change);
}

TEST(VerdictHistory, AppendsAndKeepsTheNewestWithinTheBounds) {
  EXPECT_EQ(AppendToHistory("", Line(1)), Line(1));
  EXPECT_EQ(AppendToHistory(Line(1), Line(2)), Line(1) + Line(2));
  // A torn last line of an older writer and stray text are dropped, the rest kept.
  EXPECT_EQ(AppendToHistory(Line(1) + "{\"time\":\"t2\",\"fr", Line(3)), Line(1) + Line(3));
  EXPECT_EQ(AppendToHistory("garbage\n\n" + Line(1), Line(2)), Line(1) + Line(2));

  std::string history;
  for (int n = 0; n < static_cast<int>(kHistoryMaxEntries) + 50; ++n) {
    history = AppendToHistory(history, Line(n));
  }
  const auto count = static_cast<std::size_t>(std::count(history.begin(), history.end(), '\n'));
  EXPECT_EQ(count, kHistoryMaxEntries);
  EXPECT_EQ(history.rfind(Line(static_cast<int>(kHistoryMaxEntries) + 49)),
            history.size() - Line(static_cast<int>(kHistoryMaxEntries) + 49).size());
  EXPECT_EQ(history.find(Line(49)), std::string::npos);  // the oldest 50 went
  EXPECT_EQ(history.find(Line(50)), 0U);

  // The byte bound holds too: long lines (many failing ids) trim by size.
  VerdictChange wide{"t", "ready", "blocked", {}};
  for (std::size_t i = 0; i < kHistoryMaxFailing; ++i) wide.failing.push_back(std::string(60, 'x'));
  std::string big;
  for (int n = 0; n < 200; ++n) big = AppendToHistory(big, HistoryLine(wide));
  EXPECT_LE(big.size(), kHistoryMaxBytes);
  EXPECT_GT(big.size(), kHistoryMaxBytes - HistoryLine(wide).size() - 1);
}

TEST(VerdictHistory, LastVerdictIsTheLastWellFormedEntry) {
  EXPECT_EQ(LastVerdict(""), std::nullopt);
  EXPECT_EQ(LastVerdict("not json\n"), std::nullopt);
  EXPECT_EQ(LastVerdict(Line(1) + Line(2)), "ready");
  EXPECT_EQ(LastVerdict(Line(2) + Line(1)), "blocked");
  EXPECT_EQ(LastVerdict(Line(1) + "{\"to\":"), "blocked");
}

TEST(StatePaths, ThePageAndTheHistoryLiveBesideTheReport) {
  // The platform's own separator: /var/lib/mde-preflight, C:\ProgramData\mde-preflight.
  const std::string sep(1, static_cast<char>(std::filesystem::path::preferred_separator));
  const std::string folder = sep + "state" + sep + "mde-preflight";
  const StatePaths paths = StatePathsFor(folder + sep + "report.json");
  EXPECT_EQ(paths.json, folder + sep + "report.json");
  EXPECT_EQ(paths.html, folder + sep + "report.html");
  EXPECT_EQ(paths.history, folder + sep + "history.jsonl");
  EXPECT_EQ(paths.folder, folder);
  EXPECT_EQ(StatePathsFor(folder + sep + "latest").html, folder + sep + "latest.html");
  const StatePaths bare = StatePathsFor("report.json");
  EXPECT_EQ(bare.folder, "");
  EXPECT_EQ(bare.history, "history.jsonl");
}

TEST(NotifyProtocol, SocketAddressesAndWatchdogRules) {
  EXPECT_EQ(notify::SocketAddress("/run/systemd/notify"), "/run/systemd/notify");
  EXPECT_EQ(notify::SocketAddress("@/org/freedesktop/systemd1/notify"),
            std::string("\0/org/freedesktop/systemd1/notify", 33));
  EXPECT_EQ(notify::SocketAddress(""), std::nullopt);
  EXPECT_EQ(notify::SocketAddress("@"), std::nullopt);
  EXPECT_EQ(notify::SocketAddress("relative/notify"), std::nullopt);
  EXPECT_EQ(notify::SocketAddress("vsock:2:1234"), std::nullopt);
  EXPECT_EQ(notify::SocketAddress("/" + std::string(107, 'a')), std::nullopt);
  EXPECT_TRUE(notify::SocketAddress("/" + std::string(106, 'a')));
  EXPECT_TRUE(notify::SocketAddress("@" + std::string(107, 'a')));

  using std::chrono::microseconds;
  struct Case {
    std::optional<std::string> usec;
    std::optional<std::string> pid;
    std::optional<microseconds> expected;
  };
  const Case cases[] = {
      {"30000000", std::nullopt, microseconds(30'000'000)},
      {"30000000", "4242", microseconds(30'000'000)},
      {"30000000", "1", std::nullopt},  // meant for another process
      {"30000000", "x", std::nullopt},
      {std::nullopt, "4242", std::nullopt},
      {"0", std::nullopt, std::nullopt},
      {"-5", std::nullopt, std::nullopt},
      {"12s", std::nullopt, std::nullopt},
      {"", std::nullopt, std::nullopt},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.usec.value_or("(unset)") + " / " + c.pid.value_or("(unset)"));
    EXPECT_EQ(notify::WatchdogPeriod(c.usec, c.pid, 4242), c.expected);
  }
}

TEST(NotifyProtocol, Messages) {
  EXPECT_EQ(notify::Ready("verdict ready"), "READY=1\nSTATUS=verdict ready\n");
  EXPECT_EQ(notify::Status("two\nlines\r"), "STATUS=two lines \n");
  EXPECT_EQ(notify::Watchdog(), "WATCHDOG=1\n");
  EXPECT_EQ(notify::Stopping(), "STOPPING=1\n");
  EXPECT_EQ(notify::Reloading(std::chrono::microseconds(1234567)),
            "RELOADING=1\nMONOTONIC_USEC=1234567\n");
}

TEST(JournalProtocol, FieldsPlainAndBinarySafe) {
  const journal::Field plain[] = {{"MESSAGE", "verdict ready"}, {"PRIORITY", "6"}};
  EXPECT_EQ(journal::EncodeEntry(plain), "MESSAGE=verdict ready\nPRIORITY=6\n");

  // A value with a newline: the name, a newline, the length as 64-bit little endian, the value.
  const journal::Field multi[] = {{"MESSAGE", "a\nb"}};
  EXPECT_EQ(journal::EncodeEntry(multi),
            std::string("MESSAGE\n\x03\0\0\0\0\0\0\0a\nb\n", 8 + 8 + 4));
  const std::string long_value = std::string(300, 'x') + "\n";
  const journal::Field wide[] = {{"M", long_value}};
  EXPECT_EQ(journal::EncodeEntry(wide),
            std::string("M\n\x2d\x01\0\0\0\0\0\0", 10) + long_value + "\n");

  // Names journald would refuse are left out.
  const journal::Field bad[] = {{"_PID", "1"}, {"lower", "x"}, {"", "x"}, {"OK_1", "y"}};
  EXPECT_EQ(journal::EncodeEntry(bad), "OK_1=y\n");
  EXPECT_TRUE(journal::ValidFieldName("MDE_PREFLIGHT_VERDICT"));
  EXPECT_FALSE(journal::ValidFieldName(std::string(65, 'A')));
  EXPECT_FALSE(journal::ValidFieldName("A-B"));
}

TEST(JournalProtocol, StreamMatchesStandardErrorsDeviceAndInode) {
  EXPECT_TRUE(journal::StreamMatches("8:12345", 8, 12345));
  EXPECT_FALSE(journal::StreamMatches("8:12345", 8, 12346));
  EXPECT_FALSE(journal::StreamMatches("9:12345", 8, 12345));
  EXPECT_FALSE(journal::StreamMatches("", 8, 12345));
  EXPECT_FALSE(journal::StreamMatches("8:", 8, 0));
  EXPECT_FALSE(journal::StreamMatches("8:12345x", 8, 12345));
  EXPECT_FALSE(journal::StreamMatches("812345", 8, 12345));
}

}  // namespace
}  // namespace preflight

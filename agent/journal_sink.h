#pragma once

// Logging to the systemd journal with structured fields, in the journal's native protocol
// (platform/journal_protocol.h) over its datagram socket, when standard error is connected to
// the journal; plain standard error otherwise.

#include <memory>
#include <mutex>
#include <string>

#include <spdlog/sinks/base_sink.h>

namespace preflight {

class Environment;
class LocalDatagram;

// journald's socket for the native protocol (JOURNAL_NATIVE_PROTOCOL, "Basics").
inline constexpr const char* kJournalSocketPath = "/run/systemd/journal/socket";

// Fields every entry carries besides the message: what the service last produced. Shared by the
// loop, which updates them, and the sink, which reads them.
class ServiceLogFields {
 public:
  void Set(std::string verdict, std::string report_path);
  // MDE_PREFLIGHT_VERDICT, MDE_PREFLIGHT_REPORT; empty until the first report.
  std::pair<std::string, std::string> Get() const;

 private:
  mutable std::mutex mutex_;
  std::string verdict_;
  std::string report_path_;
};

class JournalSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  JournalSink(std::unique_ptr<LocalDatagram> socket,
              std::shared_ptr<const ServiceLogFields> fields);

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override;
  void flush_() override {}

 private:
  std::unique_ptr<LocalDatagram> socket_;
  std::shared_ptr<const ServiceLogFields> fields_;
};

// True when $JOURNAL_STREAM names standard error (systemd.exec(5), "$JOURNAL_STREAM"): the
// service runs under systemd with its output going to the journal.
bool StderrIsJournal(const Environment& env);

// When StderrIsJournal, replaces the default logger's sinks with a JournalSink carrying `fields`;
// true when it did.
bool LogToJournalIfConnected(const Environment& env,
                             std::shared_ptr<const ServiceLogFields> fields);

}  // namespace preflight

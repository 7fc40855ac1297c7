#include "agent/journal_sink.h"

#include <cstdio>
#include <string_view>
#include <vector>

#include <spdlog/spdlog.h>

#include "platform/environment.h"
#include "platform/journal_protocol.h"
#include "platform/local_datagram.h"

namespace preflight {
namespace {

// A message longer than this is cut: a datagram has to fit the socket's send buffer (a larger
// one takes the memfd path of the protocol, which no message of ours needs).
constexpr std::size_t kMaxMessageBytes = std::size_t{32} * 1024;

std::string_view PriorityOf(spdlog::level::level_enum level) {
  using journal::Priority;
  Priority priority = Priority::kInfo;
  if (level >= spdlog::level::err) {
    priority = Priority::kErr;
  } else if (level == spdlog::level::warn) {
    priority = Priority::kWarning;
  } else if (level <= spdlog::level::debug) {
    priority = Priority::kDebug;
  }
  static const char* const kDigits[] = {"0", "1", "2", "3", "4", "5", "6", "7"};
  return kDigits[static_cast<int>(priority)];
}

}  // namespace

void ServiceLogFields::Set(std::string verdict, std::string report_path) {
  const std::lock_guard<std::mutex> lock(mutex_);
  verdict_ = std::move(verdict);
  report_path_ = std::move(report_path);
}

std::pair<std::string, std::string> ServiceLogFields::Get() const {
  const std::lock_guard<std::mutex> lock(mutex_);
  return {verdict_, report_path_};
}

JournalSink::JournalSink(std::unique_ptr<LocalDatagram> socket,
                         std::shared_ptr<const ServiceLogFields> fields)
    : socket_(std::move(socket)), fields_(std::move(fields)) {}

void JournalSink::sink_it_(const spdlog::details::log_msg& msg) {
  std::string_view message(msg.payload.data(), msg.payload.size());
  if (message.size() > kMaxMessageBytes) message = message.substr(0, kMaxMessageBytes);
  const auto [verdict, report] = fields_ ? fields_->Get() : std::pair<std::string, std::string>{};
  std::vector<journal::Field> entry = {{"MESSAGE", message},
                                       {"PRIORITY", PriorityOf(msg.level)},
                                       {"SYSLOG_IDENTIFIER", "mde-preflight"}};
  if (!verdict.empty()) entry.push_back({"MDE_PREFLIGHT_VERDICT", verdict});
  if (!report.empty()) entry.push_back({"MDE_PREFLIGHT_REPORT", report});
  if (socket_ && socket_->Send(journal::EncodeEntry(entry)).Ok()) return;
  // journald gone (or restarting): the line still reaches standard error, which is the journal
  // stream itself.
  std::fprintf(stderr, "%.*s\n", static_cast<int>(message.size()), message.data());
}

bool StderrIsJournal(const Environment& env) {
  const auto stream = env.Get("JOURNAL_STREAM");
  const auto self = StderrFileId();
  return stream && self && journal::StreamMatches(*stream, self->device, self->inode);
}

bool LogToJournalIfConnected(const Environment& env,
                             std::shared_ptr<const ServiceLogFields> fields) {
  if (!StderrIsJournal(env)) return false;
  auto socket = LocalDatagram::Open(kJournalSocketPath);
  if (!socket) return false;
  auto sink = std::make_shared<JournalSink>(std::move(socket), std::move(fields));
  auto logger = spdlog::default_logger();
  logger->sinks().clear();
  logger->sinks().push_back(std::move(sink));
  return true;
}

}  // namespace preflight

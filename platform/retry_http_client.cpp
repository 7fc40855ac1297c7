#include "platform/retry_http_client.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <thread>
#include <utility>

#include "platform/http_parsers.h"

namespace preflight {
namespace {

using std::chrono::milliseconds;
using SteadyTime = std::chrono::steady_clock::time_point;

// The Azure SDK for C++ multiplies each backoff by a factor in [0.8, 1.3)
// (CalculateExponentialDelay, sdk/core/azure-core/src/http/retry_policy.cpp).
constexpr double kJitterLow = 0.8;
constexpr double kJitterSpan = 0.5;
// Request ids are server-supplied text: keep them short and printable in our logs.
constexpr std::size_t kMaxLoggedIdLength = 128;

std::string Printable(const std::string& text) {
  std::string out;
  for (const char c : text) {
    if (out.size() >= kMaxLoggedIdLength) break;
    if (c >= 0x20 && c < 0x7f) out.push_back(c);
  }
  return out;
}

// The id a support engineer can find in ARM's logs (reference/azure.md §6): the server's
// x-ms-request-id, else the one the caller sent.
std::string RequestId(const HttpRequest& request, const HttpResponse* response) {
  if (response != nullptr) {
    if (const std::string* id = response->Header("x-ms-request-id")) return Printable(*id);
  }
  if (const std::string* id = FindHeader(request.headers, "x-ms-client-request-id")) {
    return Printable(*id);
  }
  return "none";
}

bool RetryableError(ErrorKind kind) {
  return kind == ErrorKind::kUnavailable || kind == ErrorKind::kTimeout;
}

std::string Ms(milliseconds delay) { return std::to_string(delay.count()) + " ms"; }

}  // namespace

RetryHttpClient::RetryHttpClient(std::unique_ptr<HttpClient> inner, RetryOptions options,
                                 RetryHooks hooks)
    : inner_(std::move(inner)), options_(std::move(options)), hooks_(std::move(hooks)) {
  if (!hooks_.sleep) hooks_.sleep = [](milliseconds d) { std::this_thread::sleep_for(d); };
  if (!hooks_.steady_now) hooks_.steady_now = [] { return std::chrono::steady_clock::now(); };
  if (!hooks_.wall_now) hooks_.wall_now = [] { return std::chrono::system_clock::now(); };
  if (!hooks_.random_unit) random_.seed(std::random_device{}());
}

double RetryHttpClient::RandomUnit() {
  if (hooks_.random_unit) return std::clamp(hooks_.random_unit(), 0.0, 1.0);
  std::lock_guard<std::mutex> lock(random_mutex_);
  return std::uniform_real_distribution<double>(0.0, 1.0)(random_);
}

milliseconds RetryHttpClient::BackoffDelay(int retry_number) {
  // 2^30 * base is already far past any sane cap; stopping the exponent there avoids overflow.
  const int exponent = std::clamp(retry_number - 1, 0, 30);
  const double factor = kJitterLow + kJitterSpan * RandomUnit();
  const double ms =
      static_cast<double>(options_.base_delay.count()) * std::ldexp(1.0, exponent) * factor;
  const double cap = static_cast<double>(options_.max_delay.count());
  return milliseconds(static_cast<milliseconds::rep>(std::max(0.0, std::min(ms, cap))));
}

bool RetryHttpClient::RetryableStatus(int status) const {
  return std::find(options_.retry_statuses.begin(), options_.retry_statuses.end(), status) !=
         options_.retry_statuses.end();
}

Result<HttpResponse> RetryHttpClient::Send(const HttpRequest& request) {
  HttpRequest attempt_request = request;
  attempt_request.deadline = std::min(request.deadline, options_.deadline);
  const SteadyTime deadline = attempt_request.deadline;
  const int max_attempts = request.allow_retry ? std::max(1, options_.max_attempts) : 1;
  const std::string where = request.method + " " + RedactUrl(request.url);
  std::vector<std::string> notes;

  // Hands back the last outcome with what the retries did; `stop` says why retrying ended early.
  auto finish = [&](Result<HttpResponse> result, int attempts,
                    const std::string& stop) -> Result<HttpResponse> {
    if (result.Ok()) {
      if (!stop.empty()) notes.push_back(stop);
      result.Value().attempts = attempts;
      result.Value().notes.insert(result.Value().notes.begin(), notes.begin(), notes.end());
      return result;
    }
    if (stop.empty()) return result;
    return MakeError(result.Err().kind, result.Err().message + " (" + stop + ")");
  };

  for (int attempt = 1;; ++attempt) {
    Result<HttpResponse> result = inner_->Send(attempt_request);
    std::string reason;
    std::optional<milliseconds> server_delay;
    if (result.Ok()) {
      if (!RetryableStatus(result.Value().status)) return finish(std::move(result), attempt, "");
      reason = "HTTP " + std::to_string(result.Value().status);
      server_delay = ParseRetryAfter(result.Value().headers, hooks_.wall_now());
    } else {
      if (!RetryableError(result.Err().kind)) return finish(std::move(result), attempt, "");
      reason = result.Err().message;
    }
    if (attempt >= max_attempts) {
      const std::string stop =
          max_attempts > 1 ? "gave up after " + std::to_string(attempt) + " attempts" : "";
      if (!stop.empty()) spdlog::debug("{}: {}; last: {}", where, stop, reason);
      return finish(std::move(result), attempt, stop);
    }

    const milliseconds delay = server_delay.value_or(BackoffDelay(attempt));
    const SteadyTime now = hooks_.steady_now();
    if (deadline != SteadyTime::max() && (deadline <= now || deadline - now <= delay)) {
      const std::string stop = "not retried: waiting " + Ms(delay) + " after " + reason +
                               " would pass the run's deadline";
      spdlog::debug("{}: {}", where, stop);
      return finish(std::move(result), attempt, stop);
    }
    const std::string id = RequestId(request, result.Ok() ? &result.Value() : nullptr);
    spdlog::debug("{}: attempt {} of {} failed ({}), request id {}; retrying in {}{}", where,
                  attempt, max_attempts, reason, id, Ms(delay),
                  server_delay ? " as the server asked" : "");
    notes.push_back("attempt " + std::to_string(attempt) + " failed (" + reason +
                    "); retried after " + Ms(delay));
    if (delay > milliseconds(0)) hooks_.sleep(delay);
  }
}

}  // namespace preflight

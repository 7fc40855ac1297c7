#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <random>
#include <vector>

#include "platform/http.h"

namespace preflight {

// Defaults are the Azure SDK for C++'s RetryOptions (sdk/core/azure-core/inc/azure/core/http/
// policies/policy.hpp): 3 retries, 800 ms first delay, 60 s cap, and the same status codes.
struct RetryOptions {
  int max_attempts = 4;  // the first try plus 3 retries
  std::chrono::milliseconds base_delay{800};
  std::chrono::milliseconds max_delay{60'000};
  std::vector<int> retry_statuses{408, 429, 500, 502, 503, 504};
  // The run's deadline; a request's own deadline, if earlier, wins.
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
};

// Side effects the decorator needs, injectable so tests pin every delay and never sleep.
// An empty function means the real one.
struct RetryHooks {
  std::function<void(std::chrono::milliseconds)> sleep;
  std::function<std::chrono::steady_clock::time_point()> steady_now;
  std::function<std::chrono::system_clock::time_point()> wall_now;  // for HTTP-date Retry-After
  std::function<double()> random_unit;                              // uniform in [0, 1)
};

// An HttpClient around another one that retries transient failures: the statuses in
// RetryOptions::retry_statuses and transport errors kUnavailable / kTimeout. kTooLarge, kInvalid,
// kOther (TLS verification) and every other status are returned at once.
//
// The wait before retry n (1-based) is min(max_delay, base_delay * 2^(n-1) * j) with j uniform in
// [0.8, 1.3), the Azure SDK for C++'s jitter range (CalculateExponentialDelay in
// sdk/core/azure-core/src/http/retry_policy.cpp). When the response carries retry-after-ms,
// x-ms-retry-after-ms or Retry-After, that wait is used instead, exactly and without the cap:
// that is what the Azure SDK (same file, GetResponseHeaderBasedDelay) and azure-core for Python
// do, and ARM asks clients not to retry before Retry-After elapses (reference/azure.md §6).
// Taking the larger of the two would only add latency the server did not ask for; a server that
// says 0 gets at most max_attempts quick retries.
//
// Retrying stops when max_attempts is reached or when the next wait would reach the deadline;
// the last response (or error) is returned with a note saying why. HttpRequest::allow_retry =
// false sends once. Each retry is logged at debug with the request id, never with headers or
// bodies.
class RetryHttpClient final : public HttpClient {
 public:
  RetryHttpClient(std::unique_ptr<HttpClient> inner, RetryOptions options, RetryHooks hooks = {});

  Result<HttpResponse> Send(const HttpRequest& request) override;

  // The computed wait before retry `retry_number` (1-based), without a server hint.
  std::chrono::milliseconds BackoffDelay(int retry_number);

 private:
  bool RetryableStatus(int status) const;
  double RandomUnit();

  std::unique_ptr<HttpClient> inner_;
  RetryOptions options_;
  RetryHooks hooks_;
  std::mutex random_mutex_;
  std::mt19937_64 random_;
};

// The platform transport wrapped in the retry decorator.
std::unique_ptr<HttpClient> MakeRetryingHttpClient(RetryOptions options);

}  // namespace preflight

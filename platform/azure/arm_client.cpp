#include "platform/azure/arm_client.h"

#include <exception>
#include <random>
#include <utility>

#include <spdlog/spdlog.h>

#include "platform/azure/azure_parsers.h"
#include "platform/http_parsers.h"

namespace preflight::azure {
namespace {

using Clock = std::chrono::steady_clock;

ArmOutcome Failure(int status, std::string_view code, std::string message,
                   std::string request_id = {}) {
  ArmOutcome outcome;
  outcome.status = status;
  outcome.request_id = request_id;
  ArmError error;
  error.status = status;
  error.code = std::string(code);
  error.message = std::move(message);
  error.request_id = std::move(request_id);
  outcome.error = std::move(error);
  return outcome;
}

}  // namespace

std::string NewGuid() {
  static std::mutex mutex;
  static std::mt19937_64 random{std::random_device{}()};
  std::uint64_t high = 0;
  std::uint64_t low = 0;
  {
    std::lock_guard<std::mutex> lock(mutex);
    high = random();
    low = random();
  }
  high = (high & 0xFFFFFFFFFFFF0FFFULL) | 0x0000000000004000ULL;  // version 4
  low = (low & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;    // RFC 4122 variant
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (int i = 0; i < 32; ++i) {
    const std::uint64_t word = i < 16 ? high : low;
    const int shift = 60 - 4 * (i % 16);
    out += kHex[(word >> shift) & 0xF];
    if (i == 7 || i == 11 || i == 15 || i == 19) out += '-';
  }
  return out;
}

HttpArmClient::HttpArmClient(HttpClient& http, CachingCredential& credential,
                             ArmClientOptions options)
    : http_(http), credential_(credential), options_(std::move(options)) {
  endpoint_ = options_.endpoint;
  while (!endpoint_.empty() && endpoint_.back() == '/') endpoint_.pop_back();
  if (!options_.new_request_id) options_.new_request_id = NewGuid;
}

std::string HttpArmClient::BuildUrl(std::string_view path, std::string_view api_version,
                                    std::string_view extra_query) const {
  std::string url = endpoint_;
  // Some ARM ids come without their leading slash (reference/azure.md §4c); tolerate that.
  if (path.empty() || path.front() != '/') url += '/';
  url += path;
  url += "?api-version=";
  url += UrlEncode(api_version);
  if (!extra_query.empty()) {
    url += '&';
    url += extra_query;
  }
  return url;
}

bool HttpArmClient::SameOrigin(const std::string& url) const {
  const auto a = ParseUrl(url);
  const auto b = ParseUrl(endpoint_);
  return a && b && a->scheme == b->scheme && a->host == b->host && a->port == b->port;
}

ArmOutcome HttpArmClient::Cached(const std::string& key,
                                 const std::function<ArmOutcome()>& produce) {
  std::promise<ArmOutcome> promise;
  std::shared_future<ArmOutcome> existing;
  {
    std::lock_guard<std::mutex> lock(cache_mutex_);
    if (const auto it = cache_.find(key); it != cache_.end()) {
      existing = it->second;
    } else {
      cache_.emplace(key, promise.get_future().share());
    }
  }
  // Another caller is fetching (or has fetched) this URL. It sets its value by the run's
  // deadline at the latest (every request is clipped to it), so this wait is bounded too.
  if (existing.valid()) return existing.get();
  ArmOutcome outcome;
  try {
    outcome = produce();
  } catch (const std::exception& e) {
    outcome = Failure(0, kTransport, std::string("internal error: ") + e.what());
  }
  promise.set_value(outcome);
  return outcome;
}

ArmOutcome HttpArmClient::Execute(std::string_view method, const std::string& url,
                                  const nlohmann::json* body) {
  const std::string shown = std::string(method) + " " + RedactUrl(url);
  if (Clock::now() >= options_.deadline) {
    return Failure(0, kDeadline, shown + ": not sent, the run's deadline has passed");
  }
  if (!ParseUrl(url) || !BearerAllowed(url)) {
    return Failure(0, kRefusedUrl,
                   shown +
                       ": refusing to send a bearer token there (only https, or http to "
                       "loopback)");
  }
  TokenOutcome token = credential_.GetToken(options_.deadline);
  if (!token.token) {
    ArmOutcome outcome;
    outcome.error = token.error;
    return outcome;
  }
  HttpRequest request;
  request.method = std::string(method);
  request.url = url;
  const std::string client_request_id = options_.new_request_id();
  request.headers = {{"Authorization", "Bearer " + token.token->token},
                     {"Accept", "application/json"},
                     {"x-ms-client-request-id", client_request_id}};
  if (body != nullptr) {
    request.headers.emplace_back("Content-Type", "application/json");
    request.body = body->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  request.proxy = options_.proxy;
  // A loopback ARM (tests, a local relay) is reached directly: a proxy from the environment would
  // otherwise carry the token off the machine over plain HTTP.
  if (const auto parsed = ParseUrl(url); parsed && IsLoopbackHost(parsed->host)) {
    request.proxy = HttpProxy::None();
  }
  request.total_timeout = options_.total_timeout;
  request.deadline = options_.deadline;
  auto response = http_.Send(request);
  if (!response.Ok()) {
    const Error& e = response.Err();
    spdlog::debug("ARM {} failed: {} (x-ms-client-request-id {})", shown, e.message,
                  client_request_id);
    const bool deadline = e.kind == ErrorKind::kTimeout && Clock::now() >= options_.deadline;
    const std::string_view code = deadline                         ? kDeadline
                                  : e.kind == ErrorKind::kTooLarge ? kMalformed
                                                                   : kTransport;
    return Failure(0, code, e.message);
  }
  const HttpResponse& r = response.Value();
  const std::string* id = r.Header("x-ms-request-id");
  const std::string request_id = id ? *id : std::string();
  spdlog::debug("ARM {} -> HTTP {} (x-ms-request-id {}, x-ms-client-request-id {}, {} attempt(s))",
                shown, r.status, request_id.empty() ? "none" : request_id, client_request_id,
                r.attempts);
  if (r.status >= 200 && r.status < 300) {
    ArmOutcome outcome;
    outcome.status = r.status;
    outcome.request_id = request_id;
    if (r.status == 204 || r.body.empty()) {
      outcome.body = nlohmann::json(nullptr);
      return outcome;
    }
    nlohmann::json doc = nlohmann::json::parse(r.body, nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded()) {
      return Failure(r.status, kMalformed,
                     shown + ": HTTP " + std::to_string(r.status) + " with a body that is not JSON",
                     request_id);
    }
    outcome.body = std::move(doc);
    return outcome;
  }
  ArmOutcome outcome;
  outcome.status = r.status;
  outcome.request_id = request_id;
  outcome.error = ParseArmError(r.status, r.body, request_id);
  return outcome;
}

ArmOutcome HttpArmClient::Get(std::string_view path, std::string_view api_version,
                              std::string_view extra_query) {
  const std::string url = BuildUrl(path, api_version, extra_query);
  return Cached("GET " + url, [&] { return Execute("GET", url, nullptr); });
}

ArmOutcome HttpArmClient::List(std::string_view path, std::string_view api_version,
                               std::string_view extra_query) {
  const std::string url = BuildUrl(path, api_version, extra_query);
  return Cached("LIST " + url, [&] { return ListUncached(url); });
}

ArmOutcome HttpArmClient::ListUncached(const std::string& first_url) {
  nlohmann::json items = nlohmann::json::array();
  std::string url = first_url;
  ArmOutcome last;
  // What was read before paging had to stop is kept (cloud.h, List).
  const auto partial = [&](ArmOutcome stop) {
    stop.body = nlohmann::json{{"value", std::move(items)}};
    return stop;
  };
  for (std::size_t page = 0;; ++page) {
    if (page >= options_.max_pages) {
      return partial(Failure(
          last.status, kMalformed,
          "the list has more than " + std::to_string(options_.max_pages) + " pages; stopped there",
          last.request_id));
    }
    last = Execute("GET", url, nullptr);
    if (!last.Ok()) {
      if (page == 0) return last;
      return partial(std::move(last));
    }
    auto parsed = ArmListPageFromJson(*last.body);
    if (!parsed.Ok()) {
      ArmOutcome bad =
          Failure(last.status, kMalformed, "GET " + RedactUrl(url) + ": " + parsed.Err().message,
                  last.request_id);
      if (page == 0) return bad;
      return partial(std::move(bad));
    }
    for (auto& item : parsed.Value().items) {
      if (items.size() >= options_.max_items) {
        return partial(Failure(last.status, kMalformed,
                               "the list has more than " + std::to_string(options_.max_items) +
                                   " items; stopped there",
                               last.request_id));
      }
      items.push_back(std::move(item));
    }
    const std::string& next = parsed.Value().next_link;
    if (next.empty()) break;
    if (!SameOrigin(next)) {
      spdlog::warn("ARM list: not following nextLink to {} (not {})", RedactUrl(next), endpoint_);
      return partial(Failure(last.status, kRefusedUrl,
                             "refused to follow nextLink to " + RedactUrl(next) +
                                 ": not the ARM endpoint " + endpoint_ + "; the list is incomplete",
                             last.request_id));
    }
    url = next;
  }
  ArmOutcome done;
  done.status = last.status;
  done.request_id = last.request_id;
  done.body = nlohmann::json{{"value", std::move(items)}};
  return done;
}

ArmOutcome HttpArmClient::Send(std::string_view method, std::string_view path,
                               std::string_view api_version, const nlohmann::json& body) {
  return Execute(method, BuildUrl(path, api_version, {}), &body);
}

}  // namespace preflight::azure

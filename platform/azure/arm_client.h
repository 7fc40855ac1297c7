#pragma once

// azure::ArmClient over an HttpClient (the retry decorator around the platform transport) and a
// CachingCredential (reference/azure.md §6).

#include <chrono>
#include <cstddef>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "platform/azure/cloud.h"
#include "platform/azure/credentials.h"
#include "platform/http.h"

namespace preflight::azure {

struct ArmClientOptions {
  std::string endpoint;  // "https://management.azure.com" or the --arm-endpoint override
  // No request starts at or after this; requests in flight are clipped to it.
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  // Pricings, settings, assessments: a handful of pages at most; these bound a server that
  // pages forever (STYLE.md, 5).
  std::size_t max_pages = 50;
  std::size_t max_items = 10'000;
  std::chrono::milliseconds total_timeout = kDefaultTotalTimeout;
  HttpProxy proxy;  // ARM is on the internet: the environment's proxy, by default
  // The x-ms-client-request-id of each request; empty: a random GUID.
  std::function<std::string()> new_request_id;
};

// Bearer only where BearerAllowed (TLS, or plain HTTP to loopback); otherwise RefusedUrl and
// nothing is sent. Every request carries x-ms-client-request-id; the x-ms-request-id of the
// answer is logged at debug (with the redacted URL, never headers or bodies) and returned.
// GET and List answers are cached per URL for the client's life; concurrent callers of the same
// URL share one request. List follows nextLink only when its scheme, host and port are the
// endpoint's.
class HttpArmClient final : public ArmClient {
 public:
  HttpArmClient(HttpClient& http, CachingCredential& credential, ArmClientOptions options);

  ArmOutcome Get(std::string_view path, std::string_view api_version,
                 std::string_view extra_query = {}) override;
  ArmOutcome List(std::string_view path, std::string_view api_version,
                  std::string_view extra_query = {}) override;
  ArmOutcome Send(std::string_view method, std::string_view path, std::string_view api_version,
                  const nlohmann::json& body) override;
  std::string Endpoint() const override { return endpoint_; }

 private:
  std::string BuildUrl(std::string_view path, std::string_view api_version,
                       std::string_view extra_query) const;
  ArmOutcome Cached(const std::string& key, const std::function<ArmOutcome()>& produce);
  ArmOutcome Execute(std::string_view method, const std::string& url, const nlohmann::json* body);
  ArmOutcome ListUncached(const std::string& first_url);
  bool SameOrigin(const std::string& url) const;

  HttpClient& http_;
  CachingCredential& credential_;
  ArmClientOptions options_;
  std::string endpoint_;
  std::mutex cache_mutex_;
  std::map<std::string, std::shared_future<ArmOutcome>> cache_;
};

// A random RFC 4122 version-4 GUID, lower case ("0f8fad5b-d9cb-469f-a165-70867728950e").
std::string NewGuid();

}  // namespace preflight::azure

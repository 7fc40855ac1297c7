#pragma once

// A scripted HttpClient for unit tests of code that talks HTTP (IMDS, HIMDS, ARM clients).
// Integration tests use the real transport against a loopback server instead.

#include <algorithm>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "platform/http.h"

namespace preflight::testing {

inline HttpResponse MakeHttpResponse(int status, std::string body = {}, HttpHeaders headers = {}) {
  HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  response.headers = std::move(headers);
  return response;
}

// Answers by method and URL. A URL ending in '*' matches every URL with that prefix; an exact
// URL wins over a prefix, a longer prefix over a shorter. Each expectation plays its answers in
// order and then repeats the last. A request nothing matches gets kUnavailable, so a test that
// forgot an expectation fails loudly rather than silently. Records every request. Thread-safe.
class FakeHttpClient final : public HttpClient {
 public:
  void Expect(const std::string& method, const std::string& url,
              std::vector<Result<HttpResponse>> answers) {
    std::lock_guard<std::mutex> lock(mutex_);
    routes_.insert_or_assign(method + " " + url, Route{std::move(answers), 0});
  }

  Result<HttpResponse> Send(const HttpRequest& request) override {
    std::lock_guard<std::mutex> lock(mutex_);
    requests_.push_back(request);
    Route* route = Find(request.method + " " + request.url);
    if (route == nullptr || route->answers.empty()) {
      return MakeError(ErrorKind::kUnavailable,
                       "no fake answer for " + request.method + " " + request.url);
    }
    const std::size_t index = std::min(route->next, route->answers.size() - 1);
    ++route->next;
    return route->answers[index];
  }

  std::vector<HttpRequest> requests() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return requests_;
  }

 private:
  struct Route {
    std::vector<Result<HttpResponse>> answers;
    std::size_t next = 0;
  };

  Route* Find(const std::string& key) {
    if (auto exact = routes_.find(key); exact != routes_.end()) return &exact->second;
    Route* best = nullptr;
    std::size_t best_length = 0;
    for (auto& [pattern, route] : routes_) {
      if (pattern.empty() || pattern.back() != '*') continue;
      const std::size_t length = pattern.size() - 1;
      if (key.compare(0, length, pattern, 0, length) == 0 && length >= best_length) {
        best = &route;
        best_length = length;
      }
    }
    return best;
  }

  mutable std::mutex mutex_;
  std::map<std::string, Route> routes_;
  std::vector<HttpRequest> requests_;
};

}  // namespace preflight::testing

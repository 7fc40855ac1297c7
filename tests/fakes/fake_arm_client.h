#pragma once

// A scripted azure::ArmClient for unit tests of the cloud-side checks. Answers by method, path
// (case-insensitively, as ARM matches), api-version and extra query; a request nothing matches
// gets a TransportError naming it, so a test that forgot an expectation fails loudly. Records
// every request and every body sent. Thread-safe (the checks run concurrently).

#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "platform/azure/cloud.h"

namespace preflight::testing {

inline azure::ArmOutcome ArmOk(nlohmann::json body, std::string request_id = "req-ok") {
  azure::ArmOutcome outcome;
  outcome.status = 200;
  outcome.request_id = std::move(request_id);
  outcome.body = std::move(body);
  return outcome;
}

inline azure::ArmOutcome ArmFail(int status, std::string code, std::string message,
                                 std::string request_id = "req-fail",
                                 std::string missing_action = {}) {
  azure::ArmOutcome outcome;
  outcome.status = status;
  outcome.request_id = request_id;
  outcome.error = azure::ArmError{status, std::move(code), std::move(message),
                                  std::move(request_id), std::move(missing_action)};
  return outcome;
}

// ARM's 403 for a denied read, as the emulator words it (azure.md section 6, message [C]).
inline azure::ArmOutcome ArmAuthorizationFailed(const std::string& action,
                                                const std::string& scope) {
  return ArmFail(403, "AuthorizationFailed",
                 "The client '5c2b1e4e-7f3a-4d52-9c1e-0a6b5c4d3e2f' does not have authorization "
                 "to perform action '" +
                     action + "' over scope '" + scope +
                     "' or the scope is invalid. If access was recently granted, please refresh "
                     "your credentials.",
                 "req-403", action);
}

class FakeArmClient final : public azure::ArmClient {
 public:
  void OnGet(std::string_view path, std::string_view api_version, azure::ArmOutcome outcome,
             std::string_view extra_query = {}) {
    Set(Key("GET", path, api_version, extra_query), std::move(outcome));
  }
  void OnList(std::string_view path, std::string_view api_version, azure::ArmOutcome outcome,
              std::string_view extra_query = {}) {
    Set(Key("LIST", path, api_version, extra_query), std::move(outcome));
  }
  void OnSend(std::string_view method, std::string_view path, std::string_view api_version,
              azure::ArmOutcome outcome) {
    Set(Key(method, path, api_version, {}), std::move(outcome));
  }

  azure::ArmOutcome Get(std::string_view path, std::string_view api_version,
                        std::string_view extra_query) override {
    return Answer(Key("GET", path, api_version, extra_query));
  }
  azure::ArmOutcome List(std::string_view path, std::string_view api_version,
                         std::string_view extra_query) override {
    return Answer(Key("LIST", path, api_version, extra_query));
  }
  azure::ArmOutcome Send(std::string_view method, std::string_view path,
                         std::string_view api_version, const nlohmann::json& body) override {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      sent_.push_back(body);
    }
    return Answer(Key(method, path, api_version, {}));
  }
  std::string Endpoint() const override { return "https://management.azure.com"; }

  std::vector<std::string> calls() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return calls_;
  }
  std::vector<nlohmann::json> sent() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return sent_;
  }

 private:
  static std::string Key(std::string_view method, std::string_view path,
                         std::string_view api_version, std::string_view extra) {
    std::string key = std::string(method) + " " + std::string(path);
    for (char& c : key) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    key += "?api-version=" + std::string(api_version);
    if (!extra.empty()) key += "&" + std::string(extra);
    return key;
  }
  void Set(const std::string& key, azure::ArmOutcome outcome) {
    std::lock_guard<std::mutex> lock(mutex_);
    answers_.insert_or_assign(key, std::move(outcome));
  }
  azure::ArmOutcome Answer(const std::string& key) {
    std::lock_guard<std::mutex> lock(mutex_);
    calls_.push_back(key);
    const auto it = answers_.find(key);
    if (it != answers_.end()) return it->second;
    azure::ArmOutcome outcome;
    outcome.error =
        azure::ArmError{0, std::string(azure::kTransport), "no fake answer for " + key, "", ""};
    return outcome;
  }

  mutable std::mutex mutex_;
  std::map<std::string, azure::ArmOutcome> answers_;
  std::vector<std::string> calls_;
  std::vector<nlohmann::json> sent_;
};

}  // namespace preflight::testing

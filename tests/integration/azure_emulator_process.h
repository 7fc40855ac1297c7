#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace preflight::testing {

// tests/emulator/azure_emulator.py as a child process on 127.0.0.1 with ephemeral ports; its
// ready line gives the endpoints. Stopped (SIGTERM, then waited for) when destroyed.
class AzureEmulator {
 public:
  // Null (with `error` filled) when it did not start or did not say it was ready.
  static std::unique_ptr<AzureEmulator> Start(const std::string& scenario, std::string& error);
  ~AzureEmulator();
  AzureEmulator(const AzureEmulator&) = delete;
  AzureEmulator& operator=(const AzureEmulator&) = delete;

  // The ready line: imds_endpoint, arm_endpoint, authority_host, himds_endpoint,
  // identity_endpoint, key_dir, ...
  const nlohmann::json& info() const { return info_; }
  std::string Endpoint(const char* name) const { return info_.at(name).get<std::string>(); }

  // Switches the world (a scenario name) and clears the request log. False on failure.
  bool Use(const std::string& scenario);
  bool UseInline(const nlohmann::json& scenario);
  // The request log entries (GET /__emulator/log).
  std::vector<nlohmann::json> Log();
  // Every token and key-file secret the emulator ever issued (GET /__emulator/secrets).
  std::vector<std::string> Secrets();

 private:
  AzureEmulator(pid_t pid, nlohmann::json info) : pid_(pid), info_(std::move(info)) {}
  nlohmann::json Control(const std::string& method, const std::string& path,
                         const std::string& body = {});
  pid_t pid_;
  nlohmann::json info_;
};

}  // namespace preflight::testing

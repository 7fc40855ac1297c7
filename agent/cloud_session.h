#pragma once

// Environment confirmation and the cloud-side access of one run: which Azure (if any) the machine
// is in, who it is there, and an ARM client carrying its identity (platform/azure/cloud.h).

#include <chrono>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "platform/azure/arc_key_file.h"
#include "platform/azure/arm_client.h"
#include "platform/azure/cloud.h"
#include "platform/azure/credentials.h"
#include "platform/http.h"
#include "probes/check.h"

namespace preflight {

// The documented addresses (reference/azure.md §1.3, §2.1).
inline constexpr std::string_view kDefaultImdsEndpoint = "http://169.254.169.254";
inline constexpr std::string_view kDefaultHimdsEndpoint = "http://127.0.0.1:40342";
// Test hook, for the integration tests of the agent binary against the emulator: the directory
// Arc key files are accepted from instead of the platform's. Honoured only when IDENTITY_ENDPOINT
// is a loopback URL (always so for a real HIMDS, and required anyway before a key file is read),
// and its use is logged at warning level and written into the report's environment notes, so it
// can never be in effect unseen.
inline constexpr const char* kTestArcTokenDirVariable = "MDE_PREFLIGHT_TEST_ARC_TOKEN_DIR";

struct CloudOptions {
  std::string imds_endpoint;  // --imds-endpoint: forces the IMDS probe there; empty: default
  std::string arm_endpoint;   // --arm-endpoint; empty: the cloud's
  std::string client_id;      // config client_id: a user-assigned identity (else AZURE_CLIENT_ID)
  std::string designated_subscription;
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  // Where Arc key files must be; empty: the platform's (arc_key_file.h), or the test hook.
  std::string arc_token_dir;
};

class CloudSession {
 public:
  // Confirms the environment and builds the identity, in this order: Arc signs ->
  // HIMDS metadata; Azure VM signs (or --imds-endpoint) -> IMDS metadata (1 s connect timeout,
  // no retry, no proxy); nothing -> kind other without any network use. A service principal
  // from AZURE_TENANT_ID/AZURE_CLIENT_ID/AZURE_CLIENT_SECRET is used wherever it is set. Then
  // one token is fetched: on failure `arm` stays null and `identity_error` says why and what to
  // grant. Everything stops at `options.deadline`. `ctx.env` and `ctx.fs` supply the signs;
  // Arc key files are read through `key_fs` (the running machine's file system).
  static std::unique_ptr<CloudSession> Create(const Context& ctx, const FileSystem& key_fs,
                                              const CloudOptions& options,
                                              std::unique_ptr<HttpClient> transport);

  const azure::CloudAccess& Access() const { return access_; }
  // How many token requests went to the issuer (tests).
  int TokenFetches() const { return credential_ ? credential_->Fetches() : 0; }

 private:
  CloudSession() = default;
  std::unique_ptr<HttpClient> http_;  // the retry decorator around the transport
  std::unique_ptr<azure::CachingCredential> credential_;
  std::unique_ptr<azure::HttpArmClient> arm_;
  azure::CloudAccess access_;
};

// The report's `environment` object: the local signs (`local`, from DetectEnvironmentLocally),
// overridden by what the metadata service confirmed, plus `identity` (description or null),
// `identity_error` ({code, message, status} or null) and `notes` (how it was learned).
nlohmann::json EnvironmentReport(nlohmann::json local, const azure::CloudAccess* cloud);

}  // namespace preflight

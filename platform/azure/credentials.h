#pragma once

// Where ARM bearer tokens come from (reference/azure.md §1.9, §2.2, §3): a VM's managed identity
// through IMDS, an Arc machine's identity through the HIMDS key-file challenge, or a service
// principal's client secret at Entra ID. Secrets (tokens, key-file content, client secret) never
// appear in an error, a note or a log line.

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "platform/azure/arc_key_file.h"
#include "platform/azure/azure_parsers.h"
#include "platform/azure/cloud.h"

namespace preflight {
class FileSystem;
class HttpClient;
}  // namespace preflight

namespace preflight::azure {

// A token is reused until this long before it expires (the Azure SDKs refresh 5 min early).
inline constexpr std::chrono::minutes kTokenRefreshMargin{5};

// MI token api-versions: IMDS 2018-02-01 (the C++ SDK's), HIMDS 2020-06-01 (the Python SDK's
// and MSAL's; reference/azure.md §1.9, §2.2).
inline constexpr std::string_view kImdsTokenApiVersion = "2018-02-01";
inline constexpr std::string_view kArcTokenApiVersion = "2020-06-01";

// What to tell a user whose identity is missing or refused (the rest of the report stands).
inline constexpr std::string_view kRolesToGrant =
    "grant it Security Reader on the subscription (Tag Contributor on the machine to publish "
    "tags)";

struct TokenOutcome {
  std::optional<AccessToken> token;
  std::optional<ArmError> error;  // set when token is not
};

// One way of obtaining a token; each call asks the issuer anew.
class TokenSource {
 public:
  virtual ~TokenSource() = default;
  virtual TokenOutcome Fetch(std::chrono::steady_clock::time_point deadline) = 0;
  // For CloudAccess::identity_description ("system-assigned managed identity").
  virtual std::string Description() const = 0;
};

// A TokenSource behind a cache: one token is fetched and shared by all threads until
// kTokenRefreshMargin before it expires, counted from when it arrived when the issuer said
// expires_in (azure_parsers.h, ParseTokenResponse), so a clock that disagrees with the issuer's
// does not make every call fetch a new token. Concurrent callers wait for one fetch rather than
// each fetching. Failures are not cached (the next caller tries again).
class CachingCredential {
 public:
  explicit CachingCredential(std::unique_ptr<TokenSource> source,
                             std::function<std::chrono::system_clock::time_point()> now = {});
  TokenOutcome GetToken(std::chrono::steady_clock::time_point deadline);
  std::string Description() const { return source_->Description(); }
  // How many times the source was asked (tests: caching works).
  int Fetches() const;

 private:
  std::unique_ptr<TokenSource> source_;
  std::function<std::chrono::system_clock::time_point()> now_;
  mutable std::mutex mutex_;
  std::optional<AccessToken> cached_;
  int fetches_ = 0;
};

// VM managed identity: GET {imds_base}/metadata/identity/oauth2/token?api-version=2018-02-01
// &resource=..[&client_id=..] with `Metadata: true`, never through a proxy. 400 means the VM has
// no (such) identity: kNoIdentity with the role to grant. `client_id` empty: system-assigned
// (or the only user-assigned one).
std::unique_ptr<TokenSource> MakeImdsTokenSource(HttpClient& http, std::string imds_base,
                                                 std::string resource, std::string client_id);

// Arc machine identity (system-assigned only): the challenge at `identity_endpoint` (which must
// be a loopback URL: the key file's content is a credential that never leaves the machine), the
// key file read through `fs` and validated against `token_dir` (arc_key_file.h), and the retry
// with `Authorization: Basic <content>`.
std::unique_ptr<TokenSource> MakeArcTokenSource(HttpClient& http, std::string identity_endpoint,
                                                std::string resource, const FileSystem& fs,
                                                std::string token_dir, PathStyle style);

// Service principal, client-credentials grant: POST {authority_host}/{tenant}/oauth2/v2.0/token
// with scope {audience}/.default. The authority must be https (or loopback http, for tests):
// the secret is in the body.
struct ClientSecretSettings {
  std::string authority_host;  // AZURE_AUTHORITY_HOST or the cloud's authority
  std::string tenant_id;
  std::string client_id;
  std::string client_secret;
  std::string audience;  // CloudEndpoints::audience
};
std::unique_ptr<TokenSource> MakeClientSecretTokenSource(HttpClient& http,
                                                         ClientSecretSettings settings);

}  // namespace preflight::azure

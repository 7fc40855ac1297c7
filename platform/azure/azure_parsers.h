#pragma once

// Pure parsers for the Azure access layer: text in, value out, no I/O, never throw. Built and
// tested on every platform, and fuzzed (tests/fuzz/azure_parsers_fuzz.cpp).

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "platform/azure/cloud.h"
#include "platform/result.h"

namespace preflight::azure {

// One sovereign cloud's addresses (reference/azure.md §3, from azure-cli's cloud.py).
struct CloudEndpoints {
  std::string name;       // IMDS spelling: "AzurePublicCloud", "AzureUSGovernmentCloud", ...
  std::string arm;        // "https://management.azure.com", no trailing slash
  std::string authority;  // "https://login.microsoftonline.com", no trailing slash
  // The managed-identity `resource` ("https://management.azure.com/"); a service principal asks
  // for scope audience-without-trailing-slash + "/.default".
  std::string audience;
};

// The cloud named by IMDS azEnvironment or by an Azure CLI cloud name, case-insensitively
// ("AZUREPUBLICCLOUD", "AzureCloud", "azureusgovernment"); nullopt for anything else.
std::optional<CloudEndpoints> FindCloud(std::string_view name);
// Azure public cloud: what a machine whose metadata names no cloud is assumed to be in.
const CloudEndpoints& PublicCloud();

// IMDS (`/metadata/instance`, Azure VM) or HIMDS (Arc) instance metadata. Every primitive may be
// a string ("true", "36"), `publicKeys` may be null and `network` empty (HIMDS); only
// `compute` is read. Fails (kInvalid) when the text is not a JSON object with a `compute`
// object. `kind` is what the caller asked (IMDS or HIMDS); `confirmed` is set.
Result<MachineIdentity> ParseInstanceMetadata(std::string_view body, EnvironmentKind kind);

// A bearer token and when it stops being valid.
struct AccessToken {
  std::string token;
  // On the local clock: received_at + expires_in when the issuer gave expires_in, else the
  // issuer's expires_on.
  std::chrono::system_clock::time_point expires_on;
  // expires_in as the issuer gave it; nullopt when it gave only expires_on.
  std::optional<std::chrono::seconds> lifetime;
};

// IMDS / HIMDS (`expires_on` epoch seconds as a string, `expires_in` a string) or Entra v2
// (`expires_in` a number) token JSON; `received_at` is when the answer arrived, on the local
// clock. `expires_in` wins: it is relative, so it holds whatever the skew between this machine's
// clock and the issuer's, while `expires_on` is the issuer's clock and may already be past here.
// MSAL reads IMDS the same way (AzureAD/microsoft-authentication-library-for-python,
// msal/managed_identity.py: the IMDS payload is normalised to expires_in, and the cache stores
// now + expires_in). `expires_on` is used only without `expires_in`. Error messages never quote
// the body (it holds the token).
Result<AccessToken> ParseTokenResponse(std::string_view body,
                                       std::chrono::system_clock::time_point received_at);

// An OAuth error body `{"error":"invalid_request","error_description":"..."}` (IMDS, HIMDS,
// Entra): "invalid_request: Identity not found", cut to the first line of the description and
// at most 300 bytes; empty when the body is not such an object.
std::string DescribeOAuthError(std::string_view body);

// An ARM error response: `{"error":{"code","message"}}` (common-types ErrorResponse and the
// older CloudError). A body without that shape (a proxy's HTML page) gives an empty code and
// the message "HTTP <status>". For AuthorizationFailed, missing_action is taken from
// "... to perform action '<action>' ...". Messages are cut at 1000 bytes.
ArmError ParseArmError(int status, std::string_view body, std::string_view request_id);

// "Microsoft.Security/pricings/read" from an AuthorizationFailed message; empty if not found.
std::string MissingActionFromMessage(std::string_view message);

// One page of an ARM list: `{"value":[...], "nextLink":"..."}`. A null or absent nextLink ends
// the list. Fails (kInvalid) when `value` is not an array.
struct ArmListPage {
  std::vector<nlohmann::json> items;
  std::string next_link;  // empty at the end
};
Result<ArmListPage> ParseArmListPage(std::string_view body);
Result<ArmListPage> ArmListPageFromJson(const nlohmann::json& doc);

// Percent-encodes everything but RFC 3986 unreserved characters (query values).
std::string UrlEncode(std::string_view text);

}  // namespace preflight::azure

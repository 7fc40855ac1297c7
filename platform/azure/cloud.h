#pragma once

// The contract between the Azure access layer (platform/azure: IMDS, Arc HIMDS, tokens, ARM) and
// the cloud-side checks (probes/azure). Checks see only this header: a machine identity, an ARM
// client that already carries a token, and why either is missing.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace preflight::azure {

enum class EnvironmentKind { kAzureVm, kAzureArc, kOther };

// "azure_vm", "azure_arc", "other": the report's environment.kind.
const char* EnvironmentKindName(EnvironmentKind kind);

// Who the machine is, as IMDS (Azure VM) or HIMDS (Arc) said. Fields are empty when the
// metadata service left them empty or was not reached.
struct MachineIdentity {
  EnvironmentKind kind = EnvironmentKind::kOther;
  bool confirmed = false;      // a metadata service answered (not only local signs)
  std::string az_environment;  // as IMDS spells it ("AzurePublicCloud", "AZUREPUBLICCLOUD")
  std::string subscription_id;
  std::string resource_group;
  std::string
      resource_id;  // ".../Microsoft.Compute/virtualMachines/x" or ".../HybridCompute/machines/x"
  std::string vm_id;
  std::string location;
  std::string name;
  std::string os_type;
  std::vector<std::pair<std::string, std::string>> tags;  // IMDS tagsList, in order
  std::vector<std::string> notes;  // how it was learned, or why not (no secrets)
};

// Why ARM could not answer, fit for a finding. Never contains a token or key-file content.
struct ArmError {
  int status = 0;          // the HTTP status; 0 when no response came (transport, no identity)
  std::string code;        // ARM's error.code ("AuthorizationFailed"), or one of ours below
  std::string message;     // ARM's error.message, or what went wrong below HTTP
  std::string request_id;  // x-ms-request-id of the failing response, if any
  // For AuthorizationFailed: the action named in the message ("Microsoft.Security/pricings/read").
  std::string missing_action;
};

// Codes for failures that are not ARM's own error.code.
inline constexpr std::string_view kNoIdentity = "NoIdentity";        // no token could be had
inline constexpr std::string_view kTransport = "TransportError";     // timeout, reset, TLS...
inline constexpr std::string_view kMalformed = "MalformedResponse";  // not the JSON we expect
inline constexpr std::string_view kRefusedUrl = "RefusedUrl";        // nextLink off the ARM host...
inline constexpr std::string_view kDeadline = "DeadlineReached";     // the run's deadline hit

struct ArmOutcome {
  std::optional<nlohmann::json> body;  // set on 2xx (null json for 204)
  int status = 0;
  std::string request_id;
  std::optional<ArmError> error;  // set when body is not (and on an incomplete List, see there)

  bool Ok() const { return body.has_value(); }
};

// ARM with a bearer token from whatever identity the machine has. Thread-safe: the checks run
// concurrently. GETs of the same URL within one run are answered once (cached).
class ArmClient {
 public:
  virtual ~ArmClient() = default;
  // GET {arm}{path}?api-version={api_version}[&{extra_query}]. `path` starts with '/'.
  virtual ArmOutcome Get(std::string_view path, std::string_view api_version,
                         std::string_view extra_query = {}) = 0;
  // GET a list: follows nextLink (only to the ARM host) and returns {"value": [all items]}.
  // When paging stops after the first page (a nextLink to another host: RefusedUrl; a failed
  // page; more pages or items than the client allows), `body` keeps the items read so far AND
  // `error` says why the list is incomplete: check `error` as well as Ok().
  virtual ArmOutcome List(std::string_view path, std::string_view api_version,
                          std::string_view extra_query = {}) = 0;
  // PUT / PATCH / POST with a JSON body (publishing tags, Resource Graph queries).
  virtual ArmOutcome Send(std::string_view method, std::string_view path,
                          std::string_view api_version, const nlohmann::json& body) = 0;
  // "https://management.azure.com" (or the override), without a trailing slash.
  virtual std::string Endpoint() const = 0;
};

// What the cloud-side checks get in their Context (nullptr there when --offline).
struct CloudAccess {
  MachineIdentity machine;
  // Null when no identity could be found or built; `identity_error` then says why and what to
  // grant. When non-null, calls may still fail per request (ArmError).
  ArmClient* arm = nullptr;
  std::optional<ArmError> identity_error;
  // "system-assigned managed identity", "user-assigned managed identity <client id>",
  // "Arc machine identity", "service principal <client id>", or empty.
  std::string identity_description;
  // Config: the designated subscription for direct onboarding (servers outside Azure).
  std::string designated_subscription;
  // The run's deadline; checks pass it on and stop waiting at it.
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
};

}  // namespace preflight::azure

#include "agent/cloud_session.h"

#include <algorithm>
#include <utility>

#include <spdlog/spdlog.h>

#include "agent/host_info.h"
#include "platform/azure/azure_parsers.h"
#include "platform/environment.h"
#include "platform/file_system.h"
#include "platform/http_parsers.h"
#include "platform/retry_http_client.h"

namespace preflight {
namespace {

using namespace std::chrono_literals;
using azure::EnvironmentKind;

// The metadata probe answers at once or the machine is not where it seems: an Azure VM is
// confirmed by IMDS with a 1 s connect timeout and no retry, as the Azure SDK for C++ probes it
// (0.3-1 s, STYLE.md).
constexpr std::chrono::milliseconds kProbeConnectTimeout = 1s;
constexpr std::chrono::milliseconds kProbeTotalTimeout = 5s;
// The instance document is a few KB (reference/azure.md §1.6); tags and keys may add some.
constexpr std::size_t kMaxMetadataBytes = std::size_t{256} * 1024;
// api-versions: IMDS 2021-02-01 has resourceId, tagsList and azEnvironment (§1.2); HIMDS is
// documented with 2020-06-01 (§2.5).
constexpr std::string_view kImdsMetadataApiVersion = "2021-02-01";
constexpr std::string_view kHimdsMetadataApiVersion = "2020-06-01";
// The Arc agent's binary (reference/azure.md §2.4, §2.6; MSAL's detection).
constexpr const char* kHimdsLinux = "/opt/azcmagent/bin/himds";
constexpr const char* kHimdsWindows = "/Program Files/AzureConnectedMachineAgent/himds.exe";
// Confirmation and the first token run before any check: they get at most this much of the run,
// so a throttling or flapping metadata service cannot leave the checks without time.
constexpr std::chrono::seconds kConfirmationBudget{20};

std::string Env(const Context& ctx, const char* name) {
  return ctx.env.Get(name).value_or(std::string());
}

std::string WithoutTrailingSlash(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

// IMDS: --imds-endpoint, else Azure's link-local address.
std::string ImdsBase(const CloudOptions& options) {
  return WithoutTrailingSlash(options.imds_endpoint.empty() ? std::string(kDefaultImdsEndpoint)
                                                            : options.imds_endpoint);
}

Result<azure::MachineIdentity> ProbeMetadata(HttpClient& http, const std::string& base,
                                             std::string_view api_version, EnvironmentKind kind,
                                             std::chrono::steady_clock::time_point deadline) {
  const auto parsed = ParseUrl(base);
  if (!parsed || (parsed->scheme != "http" && parsed->scheme != "https")) {
    return MakeError(ErrorKind::kInvalid, "'" + RedactUrl(base) + "' is not an http(s) URL");
  }
  HttpRequest request;
  request.url = base + "/metadata/instance?api-version=" + std::string(api_version);
  request.headers = {{"Metadata", "true"}};
  request.proxy = HttpProxy::None();  // never through a proxy (reference/azure.md §1.3)
  request.connect_timeout = kProbeConnectTimeout;
  request.total_timeout = kProbeTotalTimeout;
  request.max_response_bytes = kMaxMetadataBytes;
  request.deadline = deadline;
  request.allow_retry = false;
  auto response = http.Send(request);
  if (!response.Ok()) return response.Err();
  if (response.Value().status != 200) {
    std::string text = "HTTP " + std::to_string(response.Value().status);
    if (auto detail = azure::DescribeOAuthError(response.Value().body); !detail.empty()) {
      text += " (" + detail + ")";
    }
    return MakeError(ErrorKind::kUnavailable, text);
  }
  return azure::ParseInstanceMetadata(response.Value().body, kind);
}

azure::ArmError NoIdentity(std::string message) {
  azure::ArmError error;
  error.code = std::string(azure::kNoIdentity);
  error.message = std::move(message);
  return error;
}

// What the machine's signs and metadata services say: who it is, and the Arc facts the identity
// step needs.
struct Confirmation {
  std::string identity_env;  // IDENTITY_ENDPOINT
  std::string himds;         // HIMDS base URL
};

// 1. Arc: its environment variables or its binary (reference/azure.md §2.6).
// 2. Azure VM: the asset tag (local signs), or --imds-endpoint forcing the probe.
Confirmation ConfirmMachine(const Context& ctx, HttpClient& http, const CloudOptions& options,
                            std::chrono::steady_clock::time_point confirm_by,
                            azure::MachineIdentity& m, std::vector<std::string>& notes) {
  Confirmation c;
  c.identity_env = Env(ctx, "IDENTITY_ENDPOINT");
  const std::string imds_env = Env(ctx, "IMDS_ENDPOINT");
  const bool windows = azure::NativePathStyle() == azure::PathStyle::kWindows;
  const bool arc_env = !c.identity_env.empty() && !imds_env.empty();
  const bool arc_binary = ctx.fs.Exists(windows ? kHimdsWindows : kHimdsLinux);
  c.himds = WithoutTrailingSlash(!imds_env.empty() ? imds_env : std::string(kDefaultHimdsEndpoint));
  if (arc_env || arc_binary) {
    auto probed = ProbeMetadata(http, c.himds, kHimdsMetadataApiVersion, EnvironmentKind::kAzureArc,
                                confirm_by);
    if (probed.Ok()) {
      m = std::move(probed).Value();
      notes.push_back("Azure Arc confirmed by HIMDS at " + RedactUrl(c.himds));
    } else {
      m.kind = EnvironmentKind::kAzureArc;
      notes.push_back("Arc agent signs, but HIMDS at " + RedactUrl(c.himds) +
                      " did not answer: " + probed.Err().message);
    }
  }
  const nlohmann::json local = DetectEnvironmentLocally(ctx);
  const bool vm_signs = local.value("kind", "") == "azure_vm";
  if (!m.confirmed && (vm_signs || !options.imds_endpoint.empty())) {
    const std::string imds = ImdsBase(options);
    auto probed =
        ProbeMetadata(http, imds, kImdsMetadataApiVersion, EnvironmentKind::kAzureVm, confirm_by);
    if (probed.Ok()) {
      m = std::move(probed).Value();
      notes.push_back("Azure VM confirmed by IMDS at " + RedactUrl(imds));
    } else {
      if (vm_signs && m.kind == EnvironmentKind::kOther) m.kind = EnvironmentKind::kAzureVm;
      notes.push_back("IMDS at " + RedactUrl(imds) + " did not answer: " + probed.Err().message);
    }
  }
  if (!arc_env && !arc_binary && !vm_signs && options.imds_endpoint.empty()) {
    notes.push_back("no Azure sign (Arc agent, Azure asset tag): no metadata service was asked");
  }
  return c;
}

// The machine's cloud and its ARM endpoint (--arm-endpoint when it is a bare origin).
std::string ArmEndpoint(const azure::MachineIdentity& m, const CloudOptions& options,
                        azure::CloudEndpoints& cloud, std::vector<std::string>& notes) {
  cloud = azure::PublicCloud();
  if (!m.az_environment.empty()) {
    if (auto found = azure::FindCloud(m.az_environment)) {
      cloud = *found;
    } else {
      notes.push_back("unknown azEnvironment '" + m.az_environment + "': assuming " + cloud.name);
    }
  }
  if (options.arm_endpoint.empty()) return cloud.arm;
  const auto parsed = ParseUrl(options.arm_endpoint);
  if (parsed && parsed->query.empty() && (parsed->path.empty() || parsed->path == "/")) {
    return WithoutTrailingSlash(options.arm_endpoint);
  }
  notes.push_back("--arm-endpoint '" + RedactUrl(options.arm_endpoint) +
                  "' is not a bare http(s) origin; using " + cloud.arm);
  return cloud.arm;
}

// Arc's key-file folder: the option, else the loopback-only test hook, else the platform's.
std::string ArcTokenDir(const Context& ctx, const CloudOptions& options,
                        const std::string& identity_env, std::vector<std::string>& notes) {
  std::string token_dir = options.arc_token_dir;
  const auto identity_url = ParseUrl(identity_env);
  if (const std::string hook = Env(ctx, kTestArcTokenDirVariable);
      token_dir.empty() && !hook.empty() && identity_url && IsLoopbackHost(identity_url->host)) {
    spdlog::warn("test hook {} in use: Arc key files accepted from {}", kTestArcTokenDirVariable,
                 hook);
    notes.push_back(std::string("test hook ") + kTestArcTokenDirVariable +
                    ": Arc key files accepted from " + hook);
    token_dir = hook;
  }
  if (token_dir.empty()) {
    token_dir = azure::DefaultArcTokenDir(azure::NativePathStyle(), Env(ctx, "ProgramData"));
  }
  return token_dir;
}

struct IdentityInputs {
  const Context& ctx;
  const FileSystem& key_fs;
  const CloudOptions& options;
  const Confirmation& confirmation;
  const azure::MachineIdentity& machine;
  const azure::CloudEndpoints& cloud;
};

// The identity: a service principal wherever one is configured (as DefaultAzureCredential
// puts EnvironmentCredential first), else the machine's own. Null with `error` set when none.
std::unique_ptr<azure::TokenSource> MakeTokenSource(HttpClient& http, const IdentityInputs& in,
                                                    std::optional<azure::ArmError>& error,
                                                    std::vector<std::string>& notes) {
  const Context& ctx = in.ctx;
  const azure::MachineIdentity& m = in.machine;
  const std::string tenant = Env(ctx, "AZURE_TENANT_ID");
  const std::string env_client_id = Env(ctx, "AZURE_CLIENT_ID");
  const std::string secret = Env(ctx, "AZURE_CLIENT_SECRET");
  if (!tenant.empty() && !env_client_id.empty() && !secret.empty()) {
    azure::ClientSecretSettings sp;
    const std::string authority_env = Env(ctx, "AZURE_AUTHORITY_HOST");
    sp.authority_host = authority_env.empty() ? in.cloud.authority : authority_env;
    sp.tenant_id = tenant;
    sp.client_id = env_client_id;
    sp.client_secret = secret;
    sp.audience = in.cloud.audience;
    return azure::MakeClientSecretTokenSource(http, std::move(sp));
  }
  if (m.kind == EnvironmentKind::kAzureArc && m.confirmed) {
    if (!in.options.client_id.empty()) {
      notes.push_back("client_id is ignored on Arc: only the system-assigned identity exists");
    }
    const std::string& identity_env = in.confirmation.identity_env;
    const std::string token_dir = ArcTokenDir(ctx, in.options, identity_env, notes);
    const std::string identity_endpoint =
        !identity_env.empty() ? identity_env
                              : in.confirmation.himds + "/metadata/identity/oauth2/token";
    return azure::MakeArcTokenSource(http, identity_endpoint, in.cloud.audience, in.key_fs,
                                     token_dir, azure::NativePathStyle());
  }
  if (m.kind == EnvironmentKind::kAzureVm && m.confirmed) {
    const std::string client_id =
        !in.options.client_id.empty() ? in.options.client_id : env_client_id;
    return azure::MakeImdsTokenSource(http, ImdsBase(in.options), in.cloud.audience, client_id);
  }
  if (m.kind == EnvironmentKind::kOther) {
    // Why only: the checks say what to do (probes/azure/cloud_check_support.cpp).
    error = NoIdentity(
        "the machine is outside Azure and AZURE_TENANT_ID, AZURE_CLIENT_ID and "
        "AZURE_CLIENT_SECRET name no service principal");
  } else {
    error = NoIdentity(
        "no Azure identity: the metadata service did not answer, so no managed identity token "
        "can be had (see the environment notes)");
  }
  return nullptr;
}

}  // namespace

std::unique_ptr<CloudSession> CloudSession::Create(const Context& ctx, const FileSystem& key_fs,
                                                   const CloudOptions& options,
                                                   std::unique_ptr<HttpClient> transport) {
  std::unique_ptr<CloudSession> s(new CloudSession());
  const auto confirm_by = std::min(options.deadline, ctx.clock.SteadyNow() + kConfirmationBudget);
  RetryOptions retry;
  retry.deadline = options.deadline;
  s->http_ = std::make_unique<RetryHttpClient>(std::move(transport), retry);
  azure::CloudAccess& access = s->access_;
  access.deadline = options.deadline;
  access.designated_subscription = options.designated_subscription;
  azure::MachineIdentity& m = access.machine;
  std::vector<std::string> notes;

  const Confirmation confirmation = ConfirmMachine(ctx, *s->http_, options, confirm_by, m, notes);
  azure::CloudEndpoints cloud;
  const std::string arm_endpoint = ArmEndpoint(m, options, cloud, notes);
  const IdentityInputs inputs{ctx, key_fs, options, confirmation, m, cloud};
  auto source = MakeTokenSource(*s->http_, inputs, access.identity_error, notes);
  if (source) {
    s->credential_ = std::make_unique<azure::CachingCredential>(std::move(source));
    access.identity_description = s->credential_->Description();
    azure::TokenOutcome token = s->credential_->GetToken(confirm_by);
    if (token.token) {
      azure::ArmClientOptions arm;
      arm.endpoint = arm_endpoint;
      arm.deadline = options.deadline;
      s->arm_ = std::make_unique<azure::HttpArmClient>(*s->http_, *s->credential_, arm);
      access.arm = s->arm_.get();
      notes.push_back("ARM at " + arm_endpoint + " as " + access.identity_description);
    } else {
      access.identity_error = token.error;
    }
  }
  if (access.identity_error) {
    spdlog::debug("no ARM access: {}: {}", access.identity_error->code,
                  access.identity_error->message);
  }
  for (auto& note : notes) m.notes.push_back(std::move(note));
  return s;
}

nlohmann::json EnvironmentReport(nlohmann::json local, const azure::CloudAccess* cloud) {
  if (cloud == nullptr) return local;
  const azure::MachineIdentity& m = cloud->machine;
  const auto or_null = [](const std::string& value) {
    return value.empty() ? nlohmann::json(nullptr) : nlohmann::json(value);
  };
  local["kind"] = azure::EnvironmentKindName(m.kind);
  local["confirmed"] = m.confirmed;
  // Unconfirmed, the machine's cloud fields are unknown: null, whatever local signs suggested.
  const auto found = azure::FindCloud(m.az_environment);
  local["cloud"] = found ? nlohmann::json(found->name) : or_null(m.az_environment);
  local["subscription_id"] = or_null(m.subscription_id);
  local["resource_group"] = or_null(m.resource_group);
  local["resource_id"] = or_null(m.resource_id);
  local["vm_id"] = or_null(m.vm_id);
  local["location"] = or_null(m.location);
  local["identity"] = or_null(cloud->identity_description);
  if (cloud->identity_error) {
    const azure::ArmError& e = *cloud->identity_error;
    local["identity_error"] = {{"code", e.code}, {"message", e.message}, {"status", e.status}};
  } else {
    local["identity_error"] = nullptr;
  }
  local["notes"] = m.notes;
  return local;
}

}  // namespace preflight

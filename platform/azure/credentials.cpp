#include "platform/azure/credentials.h"

#include <utility>

#include <spdlog/spdlog.h>

#include "platform/http.h"
#include "platform/http_parsers.h"

namespace preflight::azure {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

// A token answer is about 2 KB (a JWT and a few fields); 64 KiB bounds anything sane.
constexpr std::size_t kMaxTokenResponseBytes = std::size_t{64} * 1024;
// IMDS and HIMDS are on the machine or its host: a second to connect is plenty (the Azure SDK
// probes IMDS with 0.3-1 s); a token may take IMDS a few seconds to get from Entra.
constexpr std::chrono::milliseconds kLocalConnectTimeout = 2s;
constexpr std::chrono::milliseconds kTokenTotalTimeout = 15s;

ArmError MakeArmError(int status, std::string_view code, std::string message) {
  ArmError error;
  error.status = status;
  error.code = std::string(code);
  error.message = std::move(message);
  return error;
}

TokenOutcome Fail(ArmError error) { return TokenOutcome{std::nullopt, std::move(error)}; }

// A transport failure (the message names method and redacted URL, never headers or bodies).
TokenOutcome FailTransport(const Error& error, std::string_view what, Clock::time_point deadline) {
  if (error.kind == ErrorKind::kTimeout && Clock::now() >= deadline) {
    return Fail(MakeArmError(0, kDeadline, std::string(what) + ": " + error.message));
  }
  return Fail(MakeArmError(0, kTransport, std::string(what) + ": " + error.message));
}

TokenOutcome FromTokenBody(const HttpResponse& response, std::string_view what) {
  auto token = ParseTokenResponse(response.body, std::chrono::system_clock::now());
  if (!token.Ok()) {
    return Fail(
        MakeArmError(response.status, kMalformed, std::string(what) + ": " + token.Err().message));
  }
  return TokenOutcome{std::move(token).Value(), std::nullopt};
}

std::string StatusText(const HttpResponse& response) {
  std::string text = "HTTP " + std::to_string(response.status);
  if (const std::string detail = DescribeOAuthError(response.body); !detail.empty()) {
    text += " (" + detail + ")";
  }
  return text;
}

HttpRequest LocalGet(std::string url, Clock::time_point deadline) {
  HttpRequest request;
  request.url = std::move(url);
  request.headers = {{"Metadata", "true"}};
  // IMDS and HIMDS must never be reached through a proxy (reference/azure.md §1.3).
  request.proxy = HttpProxy::None();
  request.connect_timeout = kLocalConnectTimeout;
  request.total_timeout = kTokenTotalTimeout;
  request.max_response_bytes = kMaxTokenResponseBytes;
  request.deadline = deadline;
  return request;
}

class ImdsTokenSource final : public TokenSource {
 public:
  ImdsTokenSource(HttpClient& http, std::string imds_base, std::string resource,
                  std::string client_id)
      : http_(http),
        base_(std::move(imds_base)),
        resource_(std::move(resource)),
        client_id_(std::move(client_id)) {}

  TokenOutcome Fetch(Clock::time_point deadline) override {
    std::string url =
        base_ + "/metadata/identity/oauth2/token?api-version=" + std::string(kImdsTokenApiVersion) +
        "&resource=" + UrlEncode(resource_);
    if (!client_id_.empty()) url += "&client_id=" + UrlEncode(client_id_);
    auto response = http_.Send(LocalGet(std::move(url), deadline));
    constexpr std::string_view kWhat = "managed identity token from IMDS";
    if (!response.Ok()) return FailTransport(response.Err(), kWhat, deadline);
    const HttpResponse& r = response.Value();
    if (r.status == 200) return FromTokenBody(r, kWhat);
    if (r.status == 400) {
      // The Azure SDKs read 400 as "no identity assigned" (reference/azure.md §1.9).
      const std::string which =
          client_id_.empty() ? "a managed identity"
                             : "the user-assigned managed identity with client id " + client_id_;
      return Fail(MakeArmError(
          400, kNoIdentity,
          "IMDS has no token for this VM: " + which + " is not assigned (" + StatusText(r) +
              "); assign a system-assigned managed identity (or set client_id for a "
              "user-assigned one) and " +
              std::string(kRolesToGrant)));
    }
    return Fail(MakeArmError(r.status, kNoIdentity, std::string(kWhat) + ": " + StatusText(r)));
  }

  std::string Description() const override {
    return client_id_.empty() ? "system-assigned managed identity"
                              : "user-assigned managed identity " + client_id_;
  }

 private:
  HttpClient& http_;
  std::string base_;
  std::string resource_;
  std::string client_id_;
};

class ArcTokenSource final : public TokenSource {
 public:
  ArcTokenSource(HttpClient& http, std::string identity_endpoint, std::string resource,
                 const FileSystem& fs, std::string token_dir, PathStyle style)
      : http_(http),
        endpoint_(std::move(identity_endpoint)),
        resource_(std::move(resource)),
        fs_(fs),
        token_dir_(std::move(token_dir)),
        style_(style) {}

  TokenOutcome Fetch(Clock::time_point deadline) override {
    constexpr std::string_view kWhat = "Arc managed identity token from HIMDS";
    const auto parsed = ParseUrl(endpoint_);
    if (!parsed || !parsed->query.empty() || !IsLoopbackHost(parsed->host)) {
      return Fail(MakeArmError(0, kRefusedUrl,
                               "IDENTITY_ENDPOINT " + RedactUrl(endpoint_) +
                                   " is not a loopback URL; the Arc key file is only ever "
                                   "answered to the local HIMDS"));
    }
    const std::string url = endpoint_ + "?api-version=" + std::string(kArcTokenApiVersion) +
                            "&resource=" + UrlEncode(resource_);
    auto first = http_.Send(LocalGet(url, deadline));
    if (!first.Ok()) return FailTransport(first.Err(), kWhat, deadline);
    if (first.Value().status == 200) return FromTokenBody(first.Value(), kWhat);
    if (first.Value().status != 401) {
      return Fail(MakeArmError(first.Value().status, kNoIdentity,
                               std::string(kWhat) + ": " + StatusText(first.Value())));
    }
    const std::string* challenge = first.Value().Header("WWW-Authenticate");
    const auto realm = challenge ? ParseWwwAuthenticate(*challenge) : std::nullopt;
    if (!realm) {
      return Fail(MakeArmError(401, kNoIdentity,
                               std::string(kWhat) + ": HIMDS answered 401 without a usable "
                                                    "'WWW-Authenticate: Basic realm=<key file>'"));
    }
    auto secret = ReadArcKeyFile(fs_, *realm, token_dir_, style_);
    if (!secret.Ok()) {
      spdlog::warn("Arc challenge not answered: {}", secret.Err().message);
      std::string hint;
      if (secret.Err().kind == ErrorKind::kPermission &&
          secret.Err().message.rfind("refusing", 0) != 0) {
        hint = " (reading it needs root or membership in the himds group)";
      }
      return Fail(
          MakeArmError(401, kNoIdentity, std::string(kWhat) + ": " + secret.Err().message + hint));
    }
    HttpRequest second = LocalGet(url, deadline);
    second.headers.emplace_back("Authorization", "Basic " + secret.Value());
    // A key file is good for one answer (azure.md §2.2): never resend it.
    second.allow_retry = false;
    auto answer = http_.Send(second);
    if (!answer.Ok()) return FailTransport(answer.Err(), kWhat, deadline);
    if (answer.Value().status == 200) return FromTokenBody(answer.Value(), kWhat);
    std::string message = std::string(kWhat) + ": " + StatusText(answer.Value());
    if (answer.Value().status == 400) {
      message += "; the Arc machine has no usable identity: check 'azcmagent show', then " +
                 std::string(kRolesToGrant);
    }
    return Fail(MakeArmError(answer.Value().status, kNoIdentity, std::move(message)));
  }

  std::string Description() const override { return "Arc machine identity"; }

 private:
  HttpClient& http_;
  std::string endpoint_;
  std::string resource_;
  const FileSystem& fs_;
  std::string token_dir_;
  PathStyle style_;
};

bool SafeTenant(std::string_view tenant) {
  if (tenant.empty() || tenant.size() > 100) return false;
  for (const char c : tenant) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

class ClientSecretTokenSource final : public TokenSource {
 public:
  ClientSecretTokenSource(HttpClient& http, ClientSecretSettings settings)
      : http_(http), s_(std::move(settings)) {
    while (!s_.authority_host.empty() && s_.authority_host.back() == '/') {
      s_.authority_host.pop_back();
    }
  }

  TokenOutcome Fetch(Clock::time_point deadline) override {
    constexpr std::string_view kWhat = "service principal token from Entra ID";
    if (!SafeTenant(s_.tenant_id)) {
      return Fail(MakeArmError(0, kNoIdentity, "AZURE_TENANT_ID is not a tenant id or domain"));
    }
    const std::string url = s_.authority_host + "/" + s_.tenant_id + "/oauth2/v2.0/token";
    if (!ParseUrl(url) || !BearerAllowed(url)) {
      return Fail(MakeArmError(0, kRefusedUrl,
                               "refusing to send the client secret to " + RedactUrl(url) +
                                   ": the authority must be https (or http on loopback)"));
    }
    std::string audience = s_.audience;
    while (!audience.empty() && audience.back() == '/') audience.pop_back();
    HttpRequest request;
    request.method = "POST";
    request.url = url;
    request.headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                       {"Accept", "application/json"}};
    request.body = "grant_type=client_credentials&client_id=" + UrlEncode(s_.client_id) +
                   "&client_secret=" + UrlEncode(s_.client_secret) +
                   "&scope=" + UrlEncode(audience + "/.default");
    request.max_response_bytes = kMaxTokenResponseBytes;
    request.deadline = deadline;
    // A loopback authority (tests) is reached directly, never through a proxy in plain HTTP.
    if (IsLoopbackHost(ParseUrl(url)->host)) request.proxy = HttpProxy::None();
    auto response = http_.Send(request);
    if (!response.Ok()) return FailTransport(response.Err(), kWhat, deadline);
    const HttpResponse& r = response.Value();
    if (r.status == 200) return FromTokenBody(r, kWhat);
    return Fail(MakeArmError(r.status, kNoIdentity,
                             std::string(kWhat) + " for client id " + s_.client_id + ": " +
                                 StatusText(r) +
                                 "; check AZURE_TENANT_ID, AZURE_CLIENT_ID and "
                                 "AZURE_CLIENT_SECRET"));
  }

  std::string Description() const override { return "service principal " + s_.client_id; }

 private:
  HttpClient& http_;
  ClientSecretSettings s_;
};

}  // namespace

CachingCredential::CachingCredential(std::unique_ptr<TokenSource> source,
                                     std::function<std::chrono::system_clock::time_point()> now)
    : source_(std::move(source)), now_(std::move(now)) {
  if (!now_) now_ = [] { return std::chrono::system_clock::now(); };
}

TokenOutcome CachingCredential::GetToken(Clock::time_point deadline) {
  // Held across the fetch on purpose: concurrent checks wait for one token request (IMDS allows
  // 5 concurrent identity requests per VM, azure.md §1.4) instead of each making their own.
  std::lock_guard<std::mutex> lock(mutex_);
  if (cached_ && cached_->expires_on - kTokenRefreshMargin > now_()) {
    return TokenOutcome{*cached_, std::nullopt};
  }
  cached_.reset();
  if (Clock::now() >= deadline) {
    return Fail(MakeArmError(0, kDeadline, "the run's deadline passed before a token was had"));
  }
  ++fetches_;
  TokenOutcome outcome = source_->Fetch(deadline);
  if (!outcome.token) return outcome;
  // A relative lifetime counts from when the token arrived, on this cache's clock (the one it
  // is compared with); the issuer's absolute expires_on is used only when it gave nothing else.
  if (outcome.token->lifetime) outcome.token->expires_on = now_() + *outcome.token->lifetime;
  cached_ = outcome.token;
  return outcome;
}

int CachingCredential::Fetches() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return fetches_;
}

std::unique_ptr<TokenSource> MakeImdsTokenSource(HttpClient& http, std::string imds_base,
                                                 std::string resource, std::string client_id) {
  return std::make_unique<ImdsTokenSource>(http, std::move(imds_base), std::move(resource),
                                           std::move(client_id));
}

std::unique_ptr<TokenSource> MakeArcTokenSource(HttpClient& http, std::string identity_endpoint,
                                                std::string resource, const FileSystem& fs,
                                                std::string token_dir, PathStyle style) {
  return std::make_unique<ArcTokenSource>(http, std::move(identity_endpoint), std::move(resource),
                                          fs, std::move(token_dir), style);
}

std::unique_ptr<TokenSource> MakeClientSecretTokenSource(HttpClient& http,
                                                         ClientSecretSettings settings) {
  return std::make_unique<ClientSecretTokenSource>(http, std::move(settings));
}

}  // namespace preflight::azure

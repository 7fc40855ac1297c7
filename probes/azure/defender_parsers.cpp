#include "probes/azure/defender_parsers.h"

#include <algorithm>

#include "probes/azure/json_fields.h"

namespace preflight {
namespace {

// The ARM JSON field helpers (probes/azure/json_fields.h) are this parser's vocabulary.
using namespace arm_json;  // NOLINT(google-build-using-namespace)

// A pricing has a handful of extensions; a body listing more is cut rather than kept whole.
constexpr std::size_t kMaxExtensions = 64;
constexpr std::size_t kMaxSettings = 256;

const Json* Properties(const Json& body, std::string& error) {
  if (!body.is_object()) {
    error = "the body is not a JSON object";
    return nullptr;
  }
  const Json* props = Member(body, "properties");
  if (props == nullptr || !props->is_object()) {
    error = "the body has no properties object";
    return nullptr;
  }
  return props;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

int Base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

}  // namespace

bool PricingInfo::IsStandard() const { return EqualsIgnoreCase(tier, "Standard"); }

std::optional<bool> PricingInfo::Extension(std::string_view name) const {
  for (const auto& [ext, enabled] : extensions) {
    if (EqualsIgnoreCase(ext, name)) return enabled;
  }
  return std::nullopt;
}

PricingInfo ParsePricing(const Json& body) {
  PricingInfo info;
  const Json* props = Properties(body, info.error);
  if (props == nullptr) return info;
  info.tier = String(*props, "pricingTier", 64);
  if (info.tier.empty()) {
    info.error = "the pricing has no pricingTier";
    return info;
  }
  info.valid = true;
  info.sub_plan = String(*props, "subPlan", 64);
  info.free_trial_remaining = String(*props, "freeTrialRemainingTime", 64);
  info.enablement_time = String(*props, "enablementTime", 64);
  info.enforce = TrueFalse(Member(*props, "enforce"));
  info.inherited = TrueFalse(Member(*props, "inherited"));
  info.inherited_from = String(*props, "inheritedFrom", 1024);
  info.coverage = String(*props, "resourcesCoverageStatus", 64);
  const Json* deprecated = Member(*props, "deprecated");
  info.deprecated = deprecated != nullptr && deprecated->is_boolean() && deprecated->get<bool>();
  if (const Json* exts = Member(*props, "extensions"); exts != nullptr && exts->is_array()) {
    for (const Json& ext : *exts) {
      if (info.extensions.size() == kMaxExtensions) break;
      const std::string name = String(ext, "name", 256);
      if (!name.empty()) info.extensions.emplace_back(name, TrueFalse(Member(ext, "isEnabled")));
    }
  }
  return info;
}

bool DurationPositive(std::string_view text) {
  if (text.size() < 2 || (text[0] != 'P' && text[0] != 'p')) return false;
  for (std::size_t i = 1; i < text.size(); ++i) {
    if (text[i] >= '1' && text[i] <= '9') return true;
  }
  return false;
}

const SettingInfo* SettingsList::Find(std::string_view name) const {
  for (const SettingInfo& item : items) {
    if (EqualsIgnoreCase(item.name, name)) return &item;
  }
  return nullptr;
}

SettingsList ParseSettingsList(const Json& body) {
  SettingsList list;
  const Json* value = arm_json::ValueArray(body, list.error);
  if (value == nullptr) return list;
  list.valid = true;
  for (const Json& item : *value) {
    if (list.items.size() == kMaxSettings) break;
    SettingInfo setting;
    setting.name = String(item, "name", 256);
    if (setting.name.empty()) continue;
    setting.kind = String(item, "kind", 256);
    if (const Json* props = Member(item, "properties")) {
      setting.enabled = TrueFalse(Member(*props, "enabled"));
    }
    list.items.push_back(std::move(setting));
  }
  return list;
}

VaSetting ParseVaSetting(const Json& body) {
  VaSetting setting;
  const Json* props = Properties(body, setting.error);
  if (props == nullptr) return setting;
  setting.kind = String(body, "kind", 256);
  setting.provider = String(*props, "selectedProvider", 256);
  setting.valid = true;
  return setting;
}

OnboardingPackages ParseMdeOnboarding(const Json& body) {
  OnboardingPackages packages;
  const Json* props = Properties(body, packages.error);
  if (props == nullptr) return packages;
  // The packages are a few KiB; String() keeps at most kMaxFieldChars, so allow more here.
  constexpr std::size_t kMaxPackageChars = std::size_t{1024} * 1024;
  packages.linux_base64 = String(*props, "onboardingPackageLinux", kMaxPackageChars);
  packages.windows_base64 = String(*props, "onboardingPackageWindows", kMaxPackageChars);
  packages.valid = !packages.linux_base64.empty() || !packages.windows_base64.empty();
  if (!packages.valid) packages.error = "the body holds no onboarding package";
  return packages;
}

std::optional<std::string> DecodeBase64(std::string_view text, std::size_t max_bytes) {
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  bool padding = false;
  for (const char c : text) {
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
    if (c == '=') {
      padding = true;
      continue;
    }
    const int value = Base64Value(c);
    if (value < 0 || padding) return std::nullopt;
    buffer = (buffer << 6U) | static_cast<unsigned>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      if (out.size() == max_bytes) return std::nullopt;
      out.push_back(static_cast<char>((buffer >> static_cast<unsigned>(bits)) & 0xFFU));
    }
  }
  return out;
}

bool IsGuid(std::string_view text) {
  if (text.size() != 36) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? text[i] != '-' : HexValue(text[i]) < 0) return false;
  }
  return true;
}

std::string FindOrgIdInPackage(std::string_view package) {
  constexpr std::string_view kKey = "orgId";
  // Between the key and the value: closing quote, colon, opening quote, with backslashes and
  // spaces from up to three levels of escaping (a .cmd's reg add line). 32 characters bound the
  // skip.
  constexpr std::size_t kMaxSeparator = 32;
  for (std::size_t at = package.find(kKey); at != std::string_view::npos;
       at = package.find(kKey, at + 1)) {
    std::size_t i = at + kKey.size();
    const std::size_t stop = std::min(package.size(), i + kMaxSeparator);
    bool colon = false;
    while (i < stop && (package[i] == '"' || package[i] == '\\' || package[i] == ':' ||
                        package[i] == ' ' || package[i] == '\'')) {
      colon = colon || package[i] == ':';
      ++i;
    }
    if (!colon || i + 36 > package.size()) continue;
    const std::string_view candidate = package.substr(i, 36);
    if (IsGuid(candidate)) return arm_json::Lower(candidate);
  }
  return {};
}

}  // namespace preflight

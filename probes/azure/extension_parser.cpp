#include "probes/azure/extension_parser.h"

#include <cstddef>

#include "probes/azure/json_fields.h"
#include "probes/common/mde_installer_log.h"

namespace preflight {
namespace {

// The ARM JSON field helpers (probes/azure/json_fields.h) are this parser's vocabulary.
using namespace arm_json;  // NOLINT(google-build-using-namespace)

// An extension reports one status and a few substatuses; more are cut.
constexpr std::size_t kMaxStatuses = 32;
// mde_installer.sh exit codes are below 100 (reference linux.md section 2.3).
constexpr int kMaxInstallerCode = 99;

ArmInstanceStatus ParseStatus(const Json& status) {
  ArmInstanceStatus out;
  out.code = String(status, "code", 256);
  out.level = NormalizeLevel(String(status, "level", 64));
  out.display_status = String(status, "displayStatus", 256);
  out.message = String(status, "message");
  out.time = String(status, "time", 64);
  return out;
}

void ParseStatuses(const Json* list, std::vector<ArmInstanceStatus>& out) {
  if (list == nullptr || !list->is_array()) return;
  for (const Json& status : *list) {
    if (out.size() == kMaxStatuses) break;
    if (status.is_object()) out.push_back(ParseStatus(status));
  }
}

int Rank(const std::string& level) {
  if (level == "Error") return 3;
  if (level == "Warning") return 2;
  if (level == "Info") return 1;
  return 0;
}

std::optional<int> KnownCode(std::string_view digits) {
  if (digits.empty() || digits.size() > 2) return std::nullopt;
  int code = 0;
  for (const char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    code = code * 10 + (c - '0');
  }
  if (code == 0 || InstallerExitCode(code) == nullptr) return std::nullopt;
  return code;
}

// The digits right after `phrase` (spaces and one colon allowed between).
std::optional<int> CodeAfter(std::string_view message, std::string_view phrase) {
  for (std::size_t at = message.find(phrase); at != std::string_view::npos;
       at = message.find(phrase, at + 1)) {
    std::size_t i = at + phrase.size();
    while (i < message.size() && (message[i] == ' ' || message[i] == ':')) ++i;
    std::size_t end = i;
    while (end < message.size() && end - i < 3 && message[end] >= '0' && message[end] <= '9') ++end;
    if (const auto code = KnownCode(message.substr(i, end - i))) return code;
  }
  return std::nullopt;
}

std::string_view Word(std::string_view text, std::size_t index) {
  std::size_t i = 0;
  std::size_t n = 0;
  while (i < text.size()) {
    while (i < text.size() && text[i] == ' ') ++i;
    const std::size_t start = i;
    while (i < text.size() && text[i] != ' ') ++i;
    if (start == i) break;
    if (n++ == index) return text.substr(start, i - start);
  }
  return {};
}

}  // namespace

std::string NormalizeLevel(std::string_view level) {
  if (EqualsIgnoreCase(level, "Info") || EqualsIgnoreCase(level, "Information")) return "Info";
  if (EqualsIgnoreCase(level, "Warning")) return "Warning";
  if (EqualsIgnoreCase(level, "Error")) return "Error";
  return std::string(level);
}

std::string ArmExtension::WorstLevel() const {
  std::string worst;
  for (const auto* list : {&statuses, &substatuses}) {
    for (const ArmInstanceStatus& s : *list) {
      if (Rank(s.level) > Rank(worst)) worst = s.level;
    }
  }
  return worst;
}

std::string ArmExtension::SucceededAt() const {
  if (!EqualsIgnoreCase(provisioning_state, "Succeeded")) return {};
  std::string latest;
  // RFC 3339 times in the same zone compare as text; ARM reports UTC.
  for (const ArmInstanceStatus& s : statuses) {
    if (s.level == "Info" && s.time > latest) latest = s.time;
  }
  return latest;
}

ArmExtension ParseArmExtension(const Json& body) {
  ArmExtension ext;
  if (!body.is_object()) {
    ext.error = "the body is not a JSON object";
    return ext;
  }
  const Json* props = Member(body, "properties");
  if (props == nullptr || !props->is_object()) {
    ext.error = "the extension has no properties object";
    return ext;
  }
  ext.name = String(body, "name", 256);
  ext.publisher = String(*props, "publisher", 256);
  ext.type = String(*props, "type", 256);
  ext.provisioning_state = String(*props, "provisioningState", 64);
  ext.handler_version = String(*props, "typeHandlerVersion", 64);
  if (const Json* view = Member(*props, "instanceView"); view != nullptr && view->is_object()) {
    ext.has_instance_view = true;
    if (const std::string v = String(*view, "typeHandlerVersion", 64); !v.empty()) {
      ext.handler_version = v;
    }
    ParseStatuses(Member(*view, "statuses"), ext.statuses);
    // Arc: one status object instead of an array.
    if (const Json* status = Member(*view, "status"); status != nullptr && status->is_object()) {
      ext.statuses.push_back(ParseStatus(*status));
    }
    ParseStatuses(Member(*view, "substatuses"), ext.substatuses);
  }
  ext.valid = !ext.provisioning_state.empty() || ext.has_instance_view;
  if (!ext.valid) ext.error = "the extension has neither a provisioningState nor an instanceView";
  return ext;
}

std::optional<int> InstallerExitCodeInMessage(std::string_view message) {
  for (int code = 1; code <= kMaxInstallerCode; ++code) {
    const ExitCodeInfo* info = InstallerExitCode(code);
    if (info == nullptr) continue;
    const std::string name = std::string("ERR_") + info->name;
    const std::size_t at = message.find(name);
    // The whole name: ERR_INSTALLATION_FAILED must not match inside a longer name.
    if (at != std::string_view::npos) {
      const std::size_t end = at + name.size();
      const bool whole = end == message.size() ||
                         !((message[end] >= 'A' && message[end] <= 'Z') || message[end] == '_');
      if (whole) return code;
    }
  }
  for (const std::string_view phrase : {"exited with", "exit code"}) {
    if (const auto code = CodeAfter(message, phrase)) return code;
  }
  return KnownCode(Word(message, 16));
}

}  // namespace preflight

#include "probes/common/shared_cause.h"

namespace preflight {
namespace {

std::string Text(const nlohmann::json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

void AttachCause(CheckResult& result, const SharedCause& cause) {
  if (!result.evidence.is_object()) result.evidence = nlohmann::json::object();
  result.evidence["cause"] = {{"id", cause.id},
                              {"group", cause.group},
                              {"summary", cause.summary},
                              {"remediation", cause.remediation}};
}

std::optional<SharedCause> CauseIn(const nlohmann::json& evidence) {
  if (!evidence.is_object()) return std::nullopt;
  const auto it = evidence.find("cause");
  if (it == evidence.end() || !it->is_object()) return std::nullopt;
  SharedCause cause{Text(*it, "id"), Text(*it, "group"), Text(*it, "summary"),
                    Text(*it, "remediation")};
  if (cause.id.empty() || cause.summary.empty()) return std::nullopt;
  if (cause.group.empty()) cause.group = "checks";
  return cause;
}

}  // namespace preflight

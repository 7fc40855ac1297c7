#pragma once

// A reason several checks share: no Azure identity stops every cloud check the same way. Each
// check still says it in its own summary and remediation (the JSON report keeps every check
// whole); the cause, kept in the check's evidence under "cause", lets the text and HTML reports
// say it once for all the checks that carry the same one (agent/report.h, GroupChecks).

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "probes/check.h"

namespace preflight {

struct SharedCause {
  std::string id;           // stable, dotted: "azure.no_identity"
  std::string group;        // what the checks are, plural: "cloud checks"
  std::string summary;      // a predicate after "7 cloud checks": "could not run: no identity..."
  std::string remediation;  // what to do about it, said once for all of them
};

// Sets result.evidence["cause"].
void AttachCause(CheckResult& result, const SharedCause& cause);

// The cause in a check's evidence (a CheckResult's, or a report check's "evidence" object);
// nullopt when there is none or it lacks an id or a summary.
std::optional<SharedCause> CauseIn(const nlohmann::json& evidence);

}  // namespace preflight

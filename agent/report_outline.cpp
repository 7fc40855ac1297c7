#include "agent/report_outline.h"

#include <algorithm>
#include <iterator>
#include <limits>

namespace preflight {
namespace {

constexpr ReportSection kSections[] = {
    {"host", "Host"},       {"mde", "Defender for Endpoint"}, {"cloud", "Cloud (Azure)"},
    {"network", "Network"}, {"other", "Other checks"},
};

struct SectionPrefix {
  std::string_view prefix;
  std::string_view section;
};

// Check ids are dotted and start with where they look (agent/check_registry.cpp).
constexpr SectionPrefix kSectionPrefixes[] = {
    {"linux.", "host"},  {"windows.", "host"},    {"mde.", "mde"},
    {"azure.", "cloud"}, {"network.", "network"},
};

// The failures that decide a machine first. An unsupported OS makes every other fix moot; a
// second file-system security product next to MDE is unsupported and may hang the machine
// (https://learn.microsoft.com/defender-endpoint/mde-linux-prerequisites, 2026-12); a kernel
// without fanotify cannot run MDE on Linux. Then the installer's prerequisites, MDE and its
// deployment, and the cloud configuration. Ids not listed come after these, in report order.
constexpr std::string_view kHeadlinePriority[] = {
    "linux.os",
    "windows.os",
    "linux.fanotify",
    "windows.minifilters",
    "linux.kernel",
    "windows.prerequisites",
    "linux.resources",
    "linux.mounts",
    "linux.services",
    "windows.defender_av",
    "mde.install",
    "azure.extension.local",
    "azure.extension",
    "azure.org_match",
    "azure.plan",
    "azure.integration",
    "azure.direct_onboarding",
};

std::size_t PriorityOf(const std::string& id) {
  const auto* found = std::find(std::begin(kHeadlinePriority), std::end(kHeadlinePriority), id);
  return static_cast<std::size_t>(std::distance(std::begin(kHeadlinePriority), found));
}

// 0 for a failure, 1 for a warning; nothing else is a problem to open the report with.
std::optional<int> ProblemRank(const std::string& status) {
  if (status == "fail") return 0;
  if (status == "warn") return 1;
  return std::nullopt;
}

std::string GroupStatus(const nlohmann::json& checks, const CheckGroup& group) {
  return JsonText(checks[group.members.front()], "status");
}

// The verdict's sentence already says whether anything blocks onboarding; this does not repeat it.
Headline ClearHeadline() {
  Headline headline;
  headline.sentence = "No check found a problem.";
  return headline;
}

}  // namespace

const nlohmann::json& JsonMember(const nlohmann::json& object, const char* key) {
  static const nlohmann::json kNull;
  if (!object.is_object()) return kNull;
  const auto it = object.find(key);
  return it == object.end() ? kNull : *it;
}

bool JsonFlag(const nlohmann::json& object, const char* key) {
  const nlohmann::json& value = JsonMember(object, key);
  return value.is_boolean() && value.get<bool>();
}

std::string JsonCount(const nlohmann::json& object, const char* key) {
  const nlohmann::json& value = JsonMember(object, key);
  return value.is_number_integer() ? value.dump() : "?";
}

std::string JsonText(const nlohmann::json& object, const char* key) {
  if (!object.is_object()) return {};
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string CountsText(const nlohmann::json& report) {
  const nlohmann::json& counts = JsonMember(report, "counts");
  return JsonCount(counts, "pass") + " pass, " + JsonCount(counts, "warn") + " warn, " +
         JsonCount(counts, "fail") + " fail, " + JsonCount(counts, "skip") + " skip";
}

nlohmann::json ChecksOf(const nlohmann::json& report) {
  nlohmann::json checks = nlohmann::json::array();
  if (!report.is_object() || !report.contains("checks") || !report["checks"].is_array()) {
    return checks;
  }
  for (const nlohmann::json& check : report["checks"]) {
    checks.push_back(check.is_object() ? check : nlohmann::json::object());
  }
  return checks;
}

std::vector<ReportSection> ReportSections() { return {std::begin(kSections), std::end(kSections)}; }

std::string_view SectionOf(std::string_view check_id) {
  for (const SectionPrefix& entry : kSectionPrefixes) {
    if (check_id.substr(0, entry.prefix.size()) == entry.prefix &&
        check_id.size() > entry.prefix.size()) {
      return entry.section;
    }
  }
  return "other";
}

std::vector<std::size_t> GroupsInSection(const nlohmann::json& checks,
                                         const std::vector<CheckGroup>& groups,
                                         std::string_view section_key) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < groups.size(); ++i) {
    if (SectionOf(JsonText(checks[groups[i].members.front()], "id")) == section_key) {
      out.push_back(i);
    }
  }
  return out;
}

std::vector<std::string> OtherFailures(const nlohmann::json& checks,
                                       const std::vector<CheckGroup>& groups,
                                       const Headline& headline) {
  std::vector<std::string> ids;
  for (std::size_t i = 0; i < groups.size(); ++i) {
    if (headline.group == i || GroupStatus(checks, groups[i]) != "fail") continue;
    for (const std::size_t member : groups[i].members) {
      ids.push_back(JsonText(checks[member], "id"));
    }
  }
  return ids;
}

std::pair<std::string, std::string> SplitFirstSentence(const std::string& text) {
  int depth = 0;
  for (std::size_t i = 0; i + 2 < text.size(); ++i) {
    const char c = text[i];
    if (c == '(') ++depth;
    if (c == ')' && depth > 0) --depth;
    if (c == '.' && depth == 0 && text[i + 1] == ' ' && text[i + 2] >= 'A' && text[i + 2] <= 'Z') {
      return {text.substr(0, i + 1), text.substr(i + 2)};
    }
  }
  return {text, ""};
}

std::string VerdictSentence(const std::string& verdict, int failed) {
  const std::string failures =
      std::to_string(failed) + (failed == 1 ? " check failed" : " checks failed");
  if (verdict == "onboarded") return "MDE is onboarded and nothing failed.";
  if (verdict == "unhealthy") return "MDE is onboarded but " + failures + ".";
  if (verdict == "ready") return "MDE is not onboarded and nothing blocks onboarding.";
  return "MDE is not onboarded and " + failures + ".";
}

std::string MdeDescription(const nlohmann::json& mde) {
  const auto flag = [&](const char* key) -> int {
    if (!mde.is_object() || !mde.contains(key) || !mde[key].is_boolean()) return -1;
    return mde[key].get<bool>() ? 1 : 0;
  };
  if (flag("installed") == 0) return "not installed";
  if (flag("installed") == -1) return "unknown";
  std::string line = "installed";
  if (const std::string version = JsonText(mde, "version"); !version.empty()) line += " " + version;
  line += flag("onboarded") == 1 ? ", onboarded" : flag("onboarded") == 0 ? ", not onboarded" : "";
  line += flag("healthy") == 1 ? ", healthy" : flag("healthy") == 0 ? ", unhealthy" : "";
  return line;
}

std::string GroupSentence(const nlohmann::json& checks, const CheckGroup& group) {
  const nlohmann::json& first = checks[group.members.front()];
  if (!group.cause) return JsonText(first, "summary");
  return std::to_string(group.members.size()) + " " + group.cause->group + " " +
         group.cause->summary;
}

std::string IgnoredNote(const nlohmann::json& checks, const CheckGroup& group) {
  if (!JsonFlag(checks[group.members.front()], "ignored")) return {};
  return group.cause ? "(failures ignored by --ignore)" : "(failure ignored by --ignore)";
}

std::string GroupRemediation(const nlohmann::json& checks, const CheckGroup& group) {
  if (GroupStatus(checks, group) == "pass") return {};
  return group.cause ? group.cause->remediation
                     : JsonText(checks[group.members.front()], "remediation");
}

Headline ChooseHeadline(const nlohmann::json& report, const std::vector<CheckGroup>& groups) {
  const std::string verdict = JsonText(report, "verdict");
  const nlohmann::json checks = ChecksOf(report);
  std::optional<std::size_t> best;
  std::pair<int, std::size_t> best_key{std::numeric_limits<int>::max(), 0};
  for (std::size_t i = 0; i < groups.size(); ++i) {
    const std::optional<int> rank = ProblemRank(GroupStatus(checks, groups[i]));
    if (!rank) continue;
    std::size_t priority = std::numeric_limits<std::size_t>::max();
    for (const std::size_t member : groups[i].members) {
      priority = (std::min)(priority, PriorityOf(JsonText(checks[member], "id")));
    }
    const std::pair<int, std::size_t> key{*rank, priority};
    if (!best || key < best_key) {
      best = i;
      best_key = key;
    }
  }
  if (!best) return ClearHeadline();
  Headline headline;
  headline.group = best;
  if (best_key.first == 0) {
    headline.kind = verdict == "unhealthy" ? Headline::Kind::kUnhealthy : Headline::Kind::kBlocking;
    headline.lead = verdict == "unhealthy" ? "What is unhealthy" : "What blocks onboarding";
  } else {
    headline.kind = Headline::Kind::kWarning;
    headline.lead = "Worth a look";
  }
  headline.sentence = GroupSentence(checks, groups[*best]);
  headline.note = IgnoredNote(checks, groups[*best]);
  headline.remediation = GroupRemediation(checks, groups[*best]);
  return headline;
}

}  // namespace preflight

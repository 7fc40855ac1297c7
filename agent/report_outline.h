#pragma once

// How the text and HTML reports are laid out, decided once for both: the verdict and the one
// sentence that matters first, then the checks by section. Pure functions over the JSON report
// (agent/report.h), so both renderers say the same thing in the same order.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "agent/report.h"

namespace preflight {

// A part of the report, in report order: host, mde, cloud, network, other.
struct ReportSection {
  std::string_view key;    // "host": the HTML anchor
  std::string_view title;  // "Host"
};
std::vector<ReportSection> ReportSections();

// The section of a check, from its id's prefix ("linux.fanotify" -> host, "azure.plan" -> cloud);
// an id no prefix names goes to "other", so that no check is lost.
std::string_view SectionOf(std::string_view check_id);

// The entries of GroupChecks that belong to `section_key` (a group by its first check), in order.
std::vector<std::size_t> GroupsInSection(const nlohmann::json& checks,
                                         const std::vector<CheckGroup>& groups,
                                         std::string_view section_key);

// The one sentence that matters, with what to do about it.
struct Headline {
  enum class Kind {
    kBlocking,   // not onboarded and a check failed: what blocks onboarding
    kUnhealthy,  // onboarded and a check failed: what is unhealthy
    kWarning,    // nothing failed, but a check warns
    kClear,      // nothing failed nor warned
  };
  Kind kind = Kind::kClear;
  std::optional<std::size_t> group;  // the GroupChecks entry it comes from (none when clear)
  std::string lead;                  // "What blocks onboarding"
  std::string sentence;              // the check's summary, or a shared cause said once
  std::string remediation;           // empty when there is nothing to do
  std::string note;                  // IgnoredNote of the entry
};

// Picks the entry the report opens with. Priority, most important first:
//   1. status: fail beats warn (an ignored failure is a warning); pass and skip name nothing;
//   2. a check that stops onboarding outright beats the others, in this order: the OS is not
//      supported (linux.os, windows.os), another product holds the file system (linux.fanotify,
//      windows.minifilters), the kernel cannot run MDE (linux.kernel), then the rest of the
//      host, MDE, cloud and network checks (kHeadlinePriority in report_outline.cpp);
//   3. report order.
Headline ChooseHeadline(const nlohmann::json& report, const std::vector<CheckGroup>& groups);

// The ids of the failed checks the headline does not name, in the order GroupChecks lists them:
// what else to fix.
std::vector<std::string> OtherFailures(const nlohmann::json& checks,
                                       const std::vector<CheckGroup>& groups,
                                       const Headline& headline);

// A summary's first sentence and the rest ("" when it is one sentence): a sentence ends at ". "
// before a capital letter, outside parentheses, so neither "e.g. by" nor "(see a. It)" ends one.
std::pair<std::string, std::string> SplitFirstSentence(const std::string& text);

// "MDE is not onboarded and 2 checks failed." from the verdict and the number of failures.
std::string VerdictSentence(const std::string& verdict, int failed);

// "installed 101.24.1, onboarded, healthy" / "not installed" / "unknown", from the report's mde.
std::string MdeDescription(const nlohmann::json& mde);

// The sentence a group says: a check's summary, or "3 cloud checks could not run: ..." for a cause
// several checks share; and what to do about it (empty for a pass).
std::string GroupSentence(const nlohmann::json& checks, const CheckGroup& group);
std::string GroupRemediation(const nlohmann::json& checks, const CheckGroup& group);
// "(failure ignored by --ignore)" when --ignore turned the entry's failure into a warning, else "".
std::string IgnoredNote(const nlohmann::json& checks, const CheckGroup& group);

// The report's checks, each an object (anything else in the array becomes {}), so that renderers
// can read them without checking types; an empty array when the report has none.
nlohmann::json ChecksOf(const nlohmann::json& report);

// A member of a JSON object; null when `object` is no object or lacks it. Renderers read reports
// through these, so that a value of an unexpected type is shown as unknown, never thrown on.
const nlohmann::json& JsonMember(const nlohmann::json& object, const char* key);
// A boolean member, false when absent or not a boolean.
bool JsonFlag(const nlohmann::json& object, const char* key);
// An integer member as text, "?" when absent or not an integer.
std::string JsonCount(const nlohmann::json& object, const char* key);

// A string member of a JSON object, "" when absent or not a string.
std::string JsonText(const nlohmann::json& object, const char* key);

// The report's counts in one phrase: "5 pass, 1 warn, 1 fail, 8 skip" ("?" for a missing count).
std::string CountsText(const nlohmann::json& report);

}  // namespace preflight

#include "probes/common/findings.h"

#include <algorithm>

namespace preflight {
namespace {

int Rank(Status status) {
  switch (status) {
    case Status::kPass:
      return 0;
    case Status::kSkip:
      return 1;
    case Status::kWarn:
      return 2;
    case Status::kFail:
      return 3;
  }
  return 0;
}

void AppendSentence(std::string& text, const std::string& sentence) {
  if (sentence.empty()) return;
  if (!text.empty()) text += ' ';
  text += sentence;
}

}  // namespace

void Findings::Add(Status status, std::string summary, std::string remediation) {
  items_.push_back(Item{status, std::move(summary), std::move(remediation)});
}

void Findings::Note(std::string text) { notes_.push_back(std::move(text)); }

Status Findings::Worst() const {
  Status worst = Status::kPass;
  for (const Item& item : items_) {
    if (Rank(item.status) > Rank(worst)) worst = item.status;
  }
  return worst;
}

CheckResult Findings::Finish(const std::string& pass_summary, nlohmann::json evidence) const {
  CheckResult result;
  result.status = Worst();
  std::vector<const Item*> ordered;
  for (const Item& item : items_) ordered.push_back(&item);
  std::stable_sort(ordered.begin(), ordered.end(),
                   [](const Item* a, const Item* b) { return Rank(a->status) > Rank(b->status); });
  std::vector<std::string> remediations;
  for (const Item* item : ordered) {
    if (item->status == Status::kPass) continue;
    AppendSentence(result.summary, item->summary);
    if (!item->remediation.empty() && std::find(remediations.begin(), remediations.end(),
                                                item->remediation) == remediations.end()) {
      remediations.push_back(item->remediation);
      AppendSentence(result.remediation, item->remediation);
    }
  }
  if (result.summary.empty()) result.summary = pass_summary;
  for (const std::string& note : notes_) AppendSentence(result.summary, note);

  if (!evidence.is_object()) evidence = nlohmann::json::object();
  nlohmann::json findings = nlohmann::json::array();
  for (const Item& item : items_) {
    findings.push_back({{"status", StatusName(item.status)}, {"summary", item.summary}});
  }
  evidence["findings"] = std::move(findings);
  if (!notes_.empty()) evidence["notes"] = notes_;
  result.evidence = std::move(evidence);
  return result;
}

}  // namespace preflight

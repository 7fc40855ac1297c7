#include "probes/azure/findings_parser.h"

#include <algorithm>
#include <initializer_list>
#include <set>

#include "probes/azure/json_fields.h"

namespace preflight {
namespace {

// The ARM JSON field helpers (probes/azure/json_fields.h) are this parser's vocabulary.
using namespace arm_json;  // NOLINT(google-build-using-namespace)

// A finding names a handful of CVEs; a hostile body listing thousands is cut.
constexpr std::size_t kMaxCvesPerFinding = 256;

int SeverityRank(std::string_view severity) {
  if (EqualsIgnoreCase(severity, "Critical")) return 0;
  if (EqualsIgnoreCase(severity, "High")) return 1;
  if (EqualsIgnoreCase(severity, "Medium")) return 2;
  if (EqualsIgnoreCase(severity, "Low")) return 3;
  return 4;
}

std::string Join(std::initializer_list<std::string> parts) {
  std::string out;
  for (const std::string& part : parts) {
    if (part.empty()) continue;
    if (!out.empty()) out += ' ';
    out += part;
  }
  return out;
}

VulnerabilityFinding ParseFinding(const Json& item, const Json& props) {
  VulnerabilityFinding finding;
  finding.id = String(props, "id", 256);
  if (finding.id.empty()) finding.id = String(item, "name", 256);
  finding.display_name = String(props, "displayName", 512);
  if (const Json* status = Member(props, "status")) {
    finding.status = String(*status, "code", 64);
    finding.severity = String(*status, "severity", 64);
  }
  const Json* data = Member(props, "additionalData");
  if (data == nullptr) return finding;
  finding.software = Join({String(*data, "softwareVendor", 128), String(*data, "softwareName", 128),
                           String(*data, "softwareVersion", 128)});
  const Json* cves = Member(*data, "cve");
  if (cves == nullptr || !cves->is_array()) return finding;
  for (const Json& cve : *cves) {
    if (finding.cves.size() == kMaxCvesPerFinding) break;
    CveInfo info;
    info.id = String(cve, "title", 64);
    if (info.id.empty()) continue;
    info.severity = String(cve, "severity", 32);
    if (const Json* score = Member(cve, "cvssScore"); score != nullptr && score->is_number()) {
      info.cvss = score->get<double>();
    }
    const Json* exploit = Member(cve, "hasPublicExploit");
    info.public_exploit = exploit != nullptr && exploit->is_boolean() && exploit->get<bool>();
    finding.cves.push_back(std::move(info));
  }
  return finding;
}

bool ParseDigits(std::string_view text, std::size_t at, std::size_t count, int& out) {
  if (at + count > text.size()) return false;
  out = 0;
  for (std::size_t i = at; i < at + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    out = out * 10 + (text[i] - '0');
  }
  return true;
}

}  // namespace

AssessmentInfo ParseAssessment(const Json& body) {
  AssessmentInfo info;
  const Json* props = Member(body, "properties");
  if (props == nullptr || !props->is_object()) {
    info.error = body.is_object() ? "the assessment has no properties object"
                                  : "the body is not a JSON object";
    return info;
  }
  info.display_name = String(*props, "displayName", 512);
  const Json* status = Member(*props, "status");
  if (status == nullptr || !status->is_object()) {
    info.error = "the assessment has no status";
    return info;
  }
  info.code = String(*status, "code", 64);
  if (info.code.empty()) {
    info.error = "the assessment status has no code";
    return info;
  }
  info.cause = String(*status, "cause", 256);
  info.description = String(*status, "description", 1024);
  info.first_evaluation = String(*status, "firstEvaluationDate", 64);
  info.status_change = String(*status, "statusChangeDate", 64);
  info.valid = true;
  return info;
}

SubAssessmentList ParseSubAssessments(const Json& body, std::size_t max_findings) {
  SubAssessmentList list;
  const Json* value = arm_json::ValueArray(body, list.error);
  if (value == nullptr) return list;
  list.valid = true;
  for (const Json& item : *value) {
    const Json* props = Member(item, "properties");
    if (props == nullptr || !props->is_object()) continue;
    VulnerabilityFinding finding = ParseFinding(item, *props);
    if (!EqualsIgnoreCase(finding.status, "Unhealthy")) {
      ++list.healthy;
      continue;
    }
    if (list.findings.size() == max_findings) {
      list.truncated = true;
      break;
    }
    list.findings.push_back(std::move(finding));
  }
  return list;
}

std::vector<CveInfo> DistinctCves(const std::vector<VulnerabilityFinding>& findings) {
  std::vector<CveInfo> out;
  std::set<std::string> seen;
  for (const VulnerabilityFinding& finding : findings) {
    for (const CveInfo& cve : finding.cves) {
      if (seen.insert(arm_json::Lower(cve.id)).second) out.push_back(cve);
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const CveInfo& a, const CveInfo& b) {
    const int ra = SeverityRank(a.severity);
    const int rb = SeverityRank(b.severity);
    return ra != rb ? ra < rb : a.id < b.id;
  });
  return out;
}

std::optional<std::chrono::system_clock::time_point> ParseArmTime(std::string_view text) {
  using namespace std::chrono;
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  if (text.size() < 20 || !ParseDigits(text, 0, 4, y) || text[4] != '-' ||
      !ParseDigits(text, 5, 2, mo) || text[7] != '-' || !ParseDigits(text, 8, 2, d) ||
      (text[10] != 'T' && text[10] != 't' && text[10] != ' ') || !ParseDigits(text, 11, 2, h) ||
      text[13] != ':' || !ParseDigits(text, 14, 2, mi) || text[16] != ':' ||
      !ParseDigits(text, 17, 2, s)) {
    return std::nullopt;
  }
  std::size_t i = 19;
  if (i < text.size() && text[i] == '.') {
    ++i;
    const std::size_t start = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
    if (i == start) return std::nullopt;
  }
  int offset_minutes = 0;
  if (i < text.size() && (text[i] == 'Z' || text[i] == 'z')) {
    ++i;
  } else if (i < text.size() && (text[i] == '+' || text[i] == '-')) {
    int oh = 0, om = 0;
    if (!ParseDigits(text, i + 1, 2, oh) || i + 3 >= text.size() || text[i + 3] != ':' ||
        !ParseDigits(text, i + 4, 2, om)) {
      return std::nullopt;
    }
    offset_minutes = (text[i] == '-' ? -1 : 1) * (oh * 60 + om);
    i += 6;
  } else {
    return std::nullopt;
  }
  if (i != text.size()) return std::nullopt;
  const year_month_day date{year{y}, month{static_cast<unsigned>(mo)},
                            day{static_cast<unsigned>(d)}};
  if (!date.ok() || h > 23 || mi > 59 || s > 60) return std::nullopt;
  return sys_days{date} + hours{h} + minutes{mi} + seconds{s} - minutes{offset_minutes};
}

}  // namespace preflight

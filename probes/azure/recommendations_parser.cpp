#include "probes/azure/recommendations_parser.h"

#include "platform/text.h"
#include "probes/azure/json_fields.h"

namespace preflight {
namespace {

// The ARM JSON field helpers (probes/azure/json_fields.h) are this parser's vocabulary.
using namespace arm_json;  // NOLINT(google-build-using-namespace)

// A finding names a handful of CVEs; a hostile body listing thousands is cut.
constexpr std::size_t kMaxCvesPerFinding = 256;
constexpr std::size_t kMaxEdrs = 8;
constexpr std::size_t kMaxEdrChars = 128;
// CvesDetails is JSON inside a string: parsed only up to this size (a finding's few CVEs, with
// their descriptions, take a few kilobytes).
constexpr std::size_t kMaxCvesDetailsChars = std::size_t{256} * 1024;

// The blanks the parser trims (platform/text.h Trim with these).
constexpr std::string_view kBlanks = " \t\r\n";

// A string member, or a string array member joined with ", " (DetectedSoftwareVersions "may
// contain multiple values").
std::string StringOrList(const Json& object, std::string_view key) {
  const Json* value = Member(object, key);
  if (value == nullptr) return {};
  if (value->is_string()) return value->get_ref<const std::string&>().substr(0, 512);
  if (!value->is_array()) return {};
  std::string out;
  for (const Json& item : *value) {
    if (!item.is_string() || out.size() > 512) continue;
    out += (out.empty() ? "" : ", ") + item.get_ref<const std::string&>().substr(0, 128);
  }
  return out;
}

std::vector<CveInfo> CvesOf(const Json& list) {
  std::vector<CveInfo> cves;
  for (const Json& entry : list) {
    if (cves.size() == kMaxCvesPerFinding) break;
    CveInfo cve;
    cve.id = String(entry, "CveId", 64);
    if (cve.id.empty()) continue;
    cve.severity = String(entry, "Severity", 32);
    cves.push_back(std::move(cve));
  }
  return cves;
}

void AddEdrNames(std::string_view text, std::vector<std::string>& out) {
  const std::string trimmed(Trim(text, kBlanks));
  if (!trimmed.empty() && trimmed.front() == '[') {
    const Json list = Json::parse(trimmed, nullptr, false);
    if (list.is_array()) {
      for (const Json& item : list) {
        if (item.is_string()) AddEdrNames(item.get_ref<const std::string&>(), out);
      }
      return;
    }
  }
  std::size_t start = 0;
  while (start <= trimmed.size() && out.size() < kMaxEdrs) {
    const std::size_t comma = trimmed.find(',', start);
    const std::string name(
        Trim(std::string_view(trimmed).substr(
                 start, comma == std::string::npos ? std::string::npos : comma - start),
             kBlanks)
            .substr(0, kMaxEdrChars));
    if (!name.empty()) out.push_back(name);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
}

Recommendation ParseItem(const Json& item, const Json& props) {
  Recommendation r;
  r.key = String(item, "name", 128);
  r.display_name = String(props, "displayName", 512);
  if (const Json* status = Member(props, "status")) {
    r.code = String(*status, "code", 64);
    r.cause = String(*status, "cause", 256);
    r.description = String(*status, "description", 1024);
  }
  if (const Json* metadata = Member(props, "metadata")) {
    r.category = String(*metadata, "recommendationCategory", 64);
    r.severity = String(*metadata, "severity", 32);
    r.remediation = String(*metadata, "remediationDescription", 2048);
    if (r.display_name.empty()) r.display_name = String(*metadata, "displayName", 512);
  }
  const Json* data = Member(props, "additionalData");
  if (data == nullptr || !data->is_object()) return r;
  if (const Json* details = Member(*data, "CvesDetails")) {
    r.has_cves_details = true;
    CvesDetails parsed = ParseCvesDetails(*details);
    r.cves = std::move(parsed.cves);
    r.cves_malformed = parsed.malformed;
  }
  const std::string software =
      String(*data, "SoftwareVendor", 128) + " " + String(*data, "SoftwareName", 128);
  r.software = std::string(Trim(software, kBlanks));
  r.detected_versions = StringOrList(*data, "DetectedSoftwareVersions");
  r.fixed_version = StringOrList(*data, "FixedVersion");
  r.edrs = DiscoveredEdrs(*data);
  return r;
}

}  // namespace

bool Recommendation::IsSoftwareUpdate() const {
  if (!category.empty()) return EqualsIgnoreCase(category, kSoftwareUpdateCategory);
  return has_cves_details;
}

bool Recommendation::Unhealthy() const { return EqualsIgnoreCase(code, "Unhealthy"); }

const Recommendation* RecommendationList::Find(std::string_view key) const {
  for (const Recommendation& r : items) {
    if (EqualsIgnoreCase(r.key, key)) return &r;
  }
  return nullptr;
}

RecommendationList ParseRecommendations(const Json& body, std::size_t max_items) {
  RecommendationList list;
  const Json* value = ValueArray(body, list.error);
  if (value == nullptr) return list;
  list.valid = true;
  for (const Json& item : *value) {
    const Json* props = Member(item, "properties");
    if (props == nullptr || !props->is_object()) continue;
    if (list.items.size() == max_items) {
      list.truncated = true;
      break;
    }
    list.items.push_back(ParseItem(item, *props));
  }
  return list;
}

CvesDetails ParseCvesDetails(const Json& value) {
  CvesDetails out;
  if (value.is_array()) {
    out.cves = CvesOf(value);
    return out;
  }
  if (!value.is_string() || value.get_ref<const std::string&>().size() > kMaxCvesDetailsChars) {
    out.malformed = !value.is_null();
    return out;
  }
  const Json list = Json::parse(value.get_ref<const std::string&>(), nullptr, false);
  if (!list.is_array()) {
    out.malformed = true;
    return out;
  }
  out.cves = CvesOf(list);
  return out;
}

std::vector<std::string> DiscoveredEdrs(const Json& additional_data) {
  std::vector<std::string> names;
  if (!additional_data.is_object()) return names;
  for (const auto& [key, value] : additional_data.items()) {
    if (Lower(key).find("edr") == std::string::npos) continue;
    if (value.is_string()) {
      AddEdrNames(value.get_ref<const std::string&>().substr(0, 4096), names);
    } else if (value.is_array()) {
      for (const Json& item : value) {
        if (item.is_string() && names.size() < kMaxEdrs) {
          AddEdrNames(item.get_ref<const std::string&>().substr(0, 4096), names);
        }
      }
    }
    if (names.size() >= kMaxEdrs) break;
  }
  if (names.size() > kMaxEdrs) names.resize(kMaxEdrs);
  return names;
}

bool IsMdeName(std::string_view edr) {
  const std::string lower = Lower(edr);
  return lower.find("defender for endpoint") != std::string::npos || lower == "mde" ||
         lower.find("microsoft defender atp") != std::string::npos;
}

VulnerabilityFinding FindingOf(const Recommendation& r) {
  VulnerabilityFinding finding;
  finding.id = r.key;
  finding.display_name = r.display_name;
  finding.status = r.code;
  finding.severity = r.severity;
  finding.software = r.software;
  finding.cves = r.cves;
  finding.detected_versions = r.detected_versions;
  finding.fixed_version = r.fixed_version;
  finding.cves_malformed = r.cves_malformed;
  return finding;
}

}  // namespace preflight

// libFuzzer target for the parser of Defender for Cloud's individual recommendations
// (probes/azure/recommendations_parser.h): the input is tried as a whole list body, as the text
// of CvesDetails (a string holding JSON) and as an EDR name list. Nothing throws, and what is kept
// stays within its bounds.

#include <cstddef>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "probes/azure/recommendations_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace preflight;
  const std::string text(reinterpret_cast<const char*>(data), size);
  const nlohmann::json body = nlohmann::json::parse(text, nullptr, false);
  if (!body.is_discarded()) {
    const RecommendationList list = ParseRecommendations(body, 50);
    if (list.items.size() > 50) __builtin_trap();
    for (const Recommendation& r : list.items) {
      if (r.cves.size() > 256 || r.edrs.size() > 8 || r.key.size() > 128) __builtin_trap();
      (void)r.IsSoftwareUpdate();
      (void)FindingOf(r);
    }
    (void)DiscoveredEdrs(body);
  }
  const CvesDetails details = ParseCvesDetails(nlohmann::json(text));
  if (details.cves.size() > 256) __builtin_trap();
  const std::vector<std::string> edrs = DiscoveredEdrs(nlohmann::json{{"DiscoveredEdrs", text}});
  if (edrs.size() > 8) __builtin_trap();
  for (const std::string& name : edrs) {
    if (name.size() > 128) __builtin_trap();
    (void)IsMdeName(name);
  }
  return 0;
}

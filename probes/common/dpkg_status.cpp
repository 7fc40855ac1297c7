#include "probes/common/dpkg_status.h"

#include <cctype>

#include "platform/text.h"

namespace preflight {
namespace {

// deb822 field names are case-insensitive.
bool FieldIs(std::string_view name, std::string_view wanted) {
  if (name.size() != wanted.size()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(name[i])) !=
        std::tolower(static_cast<unsigned char>(wanted[i]))) {
      return false;
    }
  }
  return true;
}

struct Paragraph {
  std::string_view package;
  std::string_view status;
  std::string_view version;
  std::string_view architecture;
};

void Consider(const Paragraph& paragraph, std::string_view package, DpkgPackage& best) {
  if (paragraph.package != package) return;
  DpkgPackage candidate;
  candidate.found = true;
  candidate.version = std::string(paragraph.version);
  candidate.architecture = std::string(paragraph.architecture);
  std::string_view words = paragraph.status;
  std::string_view parts[3];
  for (auto& part : parts) {
    words = Trim(words);
    const std::size_t space = words.find_first_of(" \t");
    part = words.substr(0, space);
    words = space == std::string_view::npos ? std::string_view() : words.substr(space);
  }
  candidate.want = std::string(parts[0]);
  candidate.state = std::string(parts[2]);
  if (!best.found || (candidate.Installed() && !best.Installed())) best = candidate;
}

}  // namespace

DpkgPackage ParseDpkgStatus(std::string_view text, std::string_view package) {
  DpkgPackage best;
  Paragraph paragraph;
  while (true) {
    const bool at_end = text.empty();
    const std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (at_end || Trim(line).empty()) {
      Consider(paragraph, package, best);
      paragraph = Paragraph{};
      if (at_end) break;
      continue;
    }
    if (line.front() == ' ' || line.front() == '\t') continue;  // continuation of a field
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    const std::string_view name = Trim(line.substr(0, colon));
    const std::string_view value = Trim(line.substr(colon + 1));
    if (FieldIs(name, "Package")) {
      paragraph.package = value;
    } else if (FieldIs(name, "Status")) {
      paragraph.status = value;
    } else if (FieldIs(name, "Version")) {
      paragraph.version = value;
    } else if (FieldIs(name, "Architecture")) {
      paragraph.architecture = value;
    }
  }
  return best;
}

}  // namespace preflight

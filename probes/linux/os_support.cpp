#include "probes/linux/os_support.h"

#include <algorithm>
#include <cstdint>
#include <optional>

#include "platform/text.h"
#include "probes/common/version.h"

namespace preflight {
namespace {

// Compares `version` with `spec` over the spec's components; nullopt when the version runs out of
// components before a difference shows.
std::optional<int> ComparePrefix(const std::vector<std::uint64_t>& version,
                                 const std::vector<std::uint64_t>& spec) {
  for (std::size_t i = 0; i < spec.size(); ++i) {
    if (i >= version.size()) return std::nullopt;
    if (version[i] != spec[i]) return version[i] < spec[i] ? -1 : 1;
  }
  return 0;
}

bool Contains(const std::vector<std::string>& list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

const DistroSupport* FindById(const LinuxSupport& support, std::string_view id,
                              const OsRelease& os) {
  for (const DistroSupport& distro : support.distros) {
    if (!Contains(distro.ids, id)) continue;
    if (!distro.name_contains.empty() && os.name.find(distro.name_contains) == std::string::npos &&
        os.pretty_name.find(distro.name_contains) == std::string::npos) {
      continue;
    }
    return &distro;
  }
  return nullptr;
}

}  // namespace

SpecMatch MatchVersionSpec(std::string_view spec, std::string_view version) {
  spec = Trim(spec, kLineWhitespace);
  const std::vector<std::uint64_t> v = VersionComponents(Trim(version, kLineWhitespace));
  if (v.empty() || spec.empty()) return SpecMatch::kNo;

  // The document writes ranges with an en dash (U+2013); the data file may use either.
  constexpr std::string_view kEnDash = "\xE2\x80\x93";
  std::size_t dash = spec.find(kEnDash);
  std::size_t dash_length = kEnDash.size();
  if (dash == std::string_view::npos) {
    dash = spec.find('-');
    dash_length = 1;
  }
  if (dash != std::string_view::npos) {
    const auto low = VersionComponents(Trim(spec.substr(0, dash), kLineWhitespace));
    const auto high = VersionComponents(Trim(spec.substr(dash + dash_length), kLineWhitespace));
    if (low.empty() || high.empty()) return SpecMatch::kNo;
    const std::optional<int> above = ComparePrefix(v, low);
    const std::optional<int> below = ComparePrefix(v, high);
    if ((above && *above < 0) || (below && *below > 0)) return SpecMatch::kNo;
    if (!above || !below) return SpecMatch::kImprecise;
    return SpecMatch::kYes;
  }

  if (spec.back() == '+') {
    const auto minimum = VersionComponents(spec.substr(0, spec.size() - 1));
    if (minimum.empty()) return SpecMatch::kNo;
    if (v[0] != minimum[0]) return SpecMatch::kNo;  // "7.2+" is a 7 release
    const std::optional<int> order = ComparePrefix(v, minimum);
    if (!order) return SpecMatch::kImprecise;
    return *order >= 0 ? SpecMatch::kYes : SpecMatch::kNo;
  }

  if (spec.size() > 2 &&
      (spec.substr(spec.size() - 2) == ".x" || spec.substr(spec.size() - 2) == ".X")) {
    spec.remove_suffix(2);
  }
  const auto exact = VersionComponents(spec);
  if (exact.empty()) return SpecMatch::kNo;
  const std::optional<int> order = ComparePrefix(v, exact);
  if (!order) return SpecMatch::kImprecise;
  return *order == 0 ? SpecMatch::kYes : SpecMatch::kNo;
}

Arch ArchFromMachine(std::string_view machine) {
  const std::string m = ToLower(Trim(machine, kLineWhitespace));
  if (m == "x86_64" || m == "amd64" || m == "x64") return Arch::kX64;
  if (m == "aarch64" || m == "arm64") return Arch::kArm64;
  return Arch::kOther;
}

const char* ArchColumnName(Arch arch) {
  switch (arch) {
    case Arch::kX64:
      return "x64";
    case Arch::kArm64:
      return "ARM64";
    case Arch::kOther:
      return "other";
  }
  return "other";
}

OsEvaluation EvaluateOs(const LinuxSupport& support, const OsRelease& os, Arch arch) {
  OsEvaluation result;
  result.entry = FindById(support, os.id, os);
  if (result.entry == nullptr) {
    // ID_LIKE is a space-separated list, closest relative first (os-release(5)).
    std::string_view like = os.id_like;
    while (!like.empty()) {
      const std::size_t space = like.find(' ');
      const std::string_view word = Trim(like.substr(0, space), kLineWhitespace);
      like = space == std::string_view::npos ? std::string_view() : like.substr(space + 1);
      if (word.empty()) continue;
      if (const DistroSupport* entry = FindById(support, word, os)) {
        result.verdict = OsVerdict::kDerivative;
        result.entry = entry;
        result.like_id = std::string(word);
        return result;
      }
    }
    result.verdict = OsVerdict::kUnknownDistro;
    return result;
  }

  if (arch == Arch::kOther) {
    result.verdict = OsVerdict::kArchNotSupported;
    return result;
  }
  result.listed = arch == Arch::kArm64 ? result.entry->arm64 : result.entry->x64;
  if (result.listed.empty()) {
    result.verdict = OsVerdict::kArchNotSupported;
    return result;
  }
  if (VersionComponents(os.version_id).empty()) {
    result.verdict = OsVerdict::kNoVersion;
    return result;
  }
  bool imprecise = false;
  for (const std::string& spec : result.listed) {
    const SpecMatch match = MatchVersionSpec(spec, os.version_id);
    if (match == SpecMatch::kYes) {
      result.verdict = OsVerdict::kSupported;
      return result;
    }
    if (match == SpecMatch::kImprecise) imprecise = true;
  }
  result.verdict = imprecise ? OsVerdict::kImpreciseVersion : OsVerdict::kUnsupportedVersion;
  return result;
}

OsRelease ParseRedHatRelease(std::string_view text) {
  OsRelease release;
  const std::string_view line = Trim(text.substr(0, text.find('\n')), kLineWhitespace);
  // Longest names first: "CentOS Stream" must win over "CentOS".
  static constexpr std::pair<std::string_view, std::string_view> kNames[] = {
      {"Red Hat Enterprise Linux", "rhel"},
      {"CentOS Stream", "centos"},
      {"CentOS", "centos"},
      {"Oracle Linux", "ol"},
      {"Rocky Linux", "rocky"},
      {"AlmaLinux", "almalinux"},
      {"Fedora", "fedora"},
  };
  constexpr std::string_view kRelease = " release ";
  const std::size_t at = line.find(kRelease);
  if (at == std::string_view::npos) {
    release.error = "no \"release\" in the first line";
    return release;
  }
  const std::string_view name = Trim(line.substr(0, at), kLineWhitespace);
  std::string_view version = line.substr(at + kRelease.size());
  version = version.substr(0, version.find(' '));
  for (const auto& [prefix, id] : kNames) {
    if (name.substr(0, prefix.size()) == prefix) {
      release.id = std::string(id);
      break;
    }
  }
  if (release.id.empty()) {
    release.error = "unrecognised distribution name \"" + std::string(name.substr(0, 80)) + "\"";
    return release;
  }
  release.name = std::string(name);
  release.pretty_name = std::string(line.substr(0, 200));
  release.version_id = std::string(Trim(version, kLineWhitespace));
  release.fields["ID"] = release.id;
  release.fields["VERSION_ID"] = release.version_id;
  release.found = true;
  return release;
}

}  // namespace preflight

#include "probes/linux/linux_support.h"

#include <nlohmann/json.hpp>

#include "probes/common/catalog.h"

namespace preflight {
namespace {

using nlohmann::json;

std::vector<std::string> Strings(const json& object, const char* key) {
  std::vector<std::string> out;
  if (!object.contains(key)) return out;
  for (const json& item : object.at(key)) out.push_back(item.get<std::string>());
  return out;
}

std::string Source(const json& sources, const char* key) {
  if (!sources.contains(key)) return {};
  const json& source = sources.at(key);
  std::string text = source.value("url", "");
  if (source.contains("ms_date"))
    text += " (ms.date " + source.at("ms_date").get<std::string>() + ")";
  return text;
}

LinuxSupport ParseValidated(const json& root) {
  if (!root.is_object()) throw CatalogError{"not a JSON object"};
  LinuxSupport support;
  const json sources = root.value("sources", json::object());
  support.distros_source = Source(sources, "distros");
  support.ebpf_source = Source(sources, "ebpf");
  support.filesystems_source = Source(sources, "filesystems");
  support.minimum_kernel = root.at("minimum_kernel").get<std::string>();
  for (const json& row : root.at("distros")) {
    DistroSupport distro;
    distro.name = row.at("name").get<std::string>();
    distro.ids = Strings(row, "ids");
    distro.name_contains = row.value("name_contains", "");
    distro.x64 = Strings(row, "x64");
    distro.arm64 = Strings(row, "arm64");
    support.distros.push_back(std::move(distro));
  }
  if (root.contains("installer_aliases")) {
    for (const auto& [alias, id] : root.at("installer_aliases").items()) {
      support.installer_aliases[alias] = id.get<std::string>();
    }
  }
  for (const json& row : root.value("ebpf_minimum_kernels", json::array())) {
    support.ebpf_minimums.push_back(EbpfMinimum{Strings(row, "ids"), row.value("version", ""),
                                                row.value("kernel_contains", ""),
                                                row.at("kernel").get<std::string>()});
  }
  for (const json& row : root.value("ebpf_known_hangs", json::array())) {
    support.ebpf_known_hangs.push_back(EbpfKnownHang{
        Strings(row, "ids"), row.at("kernel_prefix").get<std::string>(), row.value("note", "")});
  }
  for (const std::string& fs : Strings(root, "rtp_filesystems")) support.rtp_filesystems.insert(fs);
  for (const std::string& fs : Strings(root, "pseudo_filesystems")) {
    support.pseudo_filesystems.insert(fs);
  }
  if (support.distros.empty()) throw CatalogError{"lists no distributions"};
  return support;
}

}  // namespace

// The file is ours, but a type mistake in it must not escape as an exception: ParseCatalog turns
// one into an Error.
Result<LinuxSupport> ParseLinuxSupport(std::string_view json_text) {
  return ParseCatalog<LinuxSupport>(json_text, "linux_support.json", ParseValidated);
}

const Result<LinuxSupport>& EmbeddedLinuxSupport() {
  static const Result<LinuxSupport> support = ParseLinuxSupport(EmbeddedData("linux_support.json"));
  return support;
}

}  // namespace preflight

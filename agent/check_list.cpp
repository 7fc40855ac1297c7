#include "agent/check_list.h"

#include <algorithm>

#include "agent/check_registry.h"

namespace preflight {
namespace {

std::string PlatformList(const CheckEntry& entry) {
  std::string names;
  for (const Platform platform : kPlatforms) {
    if (!entry.RunsOn(platform)) continue;
    names += (names.empty() ? "" : ", ") + std::string(PlatformName(platform));
  }
  return names;
}

std::string PadRight(std::string text, std::size_t width) {
  text.resize(std::max(text.size(), width), ' ');
  return text;
}

}  // namespace

nlohmann::json CheckListJson() {
  nlohmann::json checks = nlohmann::json::array();
  for (const CheckEntry& entry : AllChecks()) {
    nlohmann::json platforms = nlohmann::json::array();
    for (const Platform platform : kPlatforms) {
      if (entry.RunsOn(platform)) platforms.push_back(PlatformName(platform));
    }
    checks.push_back({{"id", entry.id},
                      {"title", entry.title},
                      {"platforms", std::move(platforms)},
                      {"runs_here", entry.RunsHere()}});
  }
  return {{"platform", PlatformName(ThisPlatform())}, {"checks", std::move(checks)}};
}

std::string CheckListText() {
  std::size_t id_width = 0;
  std::size_t platforms_width = 0;
  for (const CheckEntry& entry : AllChecks()) {
    id_width = std::max(id_width, entry.id.size());
    platforms_width = std::max(platforms_width, PlatformList(entry).size());
  }
  std::string text = "Checks of every platform; * runs on this one (" +
                     std::string(PlatformName(ThisPlatform())) + "), in report order:\n";
  for (const CheckEntry& entry : AllChecks()) {
    text += entry.RunsHere() ? "* " : "  ";
    text += PadRight(std::string(entry.id), id_width + 2);
    text += PadRight(PlatformList(entry), platforms_width + 2);
    text += std::string(entry.title) + "\n";
  }
  return text;
}

}  // namespace preflight

// libFuzzer target for the Azure access layer's parsers: instance metadata, token responses, ARM
// error bodies and list pages, and the Arc key-file path rule. Whatever a server sends, nothing
// throws, a token error never quotes the body, and an accepted key path stays in its directory.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "platform/azure/arc_key_file.h"
#include "platform/azure/azure_parsers.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace preflight::azure;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)ParseInstanceMetadata(text, EnvironmentKind::kAzureVm);
  const auto token = ParseTokenResponse(text, std::chrono::system_clock::now());
  if (!token.Ok() && size >= 16 && token.Err().message.find(text) != std::string::npos) {
    __builtin_trap();
  }
  const ArmError error = ParseArmError(403, text, "id");
  if (error.message.size() > 1010 || error.missing_action.size() > 200) __builtin_trap();
  (void)ParseArmListPage(text);
  (void)DescribeOAuthError(text);
  (void)FindCloud(text);
  for (const PathStyle style : {PathStyle::kPosix, PathStyle::kWindows}) {
    const std::string dir = style == PathStyle::kPosix
                                ? std::string("/var/opt/azcmagent/tokens")
                                : DefaultArcTokenDir(style, "C:\\ProgramData");
    const auto path = ValidateArcKeyPath(text, dir, style);
    if (!path.Ok()) continue;
    const std::string& p = path.Value();
    const auto lower = [](std::string t) {
      for (char& c : t) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c | 0x20) : c;
      return t;
    };
    // Directly in the directory, with a name ending in .key and no separator in it.
    if (p.size() <= dir.size() + 5) __builtin_trap();
    if (lower(p.substr(0, dir.size())) != lower(dir)) __builtin_trap();
    const std::string name = p.substr(dir.size() + 1);
    if (name.find('/') != std::string::npos || name.find('\\') != std::string::npos) {
      __builtin_trap();
    }
    if (name == "." || name == ".." || lower(name.substr(name.size() - 4)) != ".key") {
      __builtin_trap();
    }
  }
  return 0;
}

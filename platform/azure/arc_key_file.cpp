#include "platform/azure/arc_key_file.h"

#include <optional>
#include <vector>

#include "platform/file_system.h"
#include "platform/parse_util.h"

namespace preflight::azure {
namespace {

Error Refuse(std::string_view path, std::string_view why) {
  return MakeError(ErrorKind::kPermission,
                   "refusing the Arc key file '" + std::string(path) + "': " + std::string(why));
}

bool IsSeparator(char c, PathStyle style) {
  return c == '/' || (style == PathStyle::kWindows && c == '\\');
}

struct SplitPath {
  std::string drive;  // "C:" on Windows, empty on POSIX
  std::vector<std::string> parts;
};

// Absolute path -> components; nullopt with `why` set when the path is not acceptable.
std::optional<SplitPath> Split(std::string_view path, PathStyle style, std::string& why) {
  for (const char c : path) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      why = "the path holds control characters";
      return std::nullopt;
    }
    if (style == PathStyle::kPosix && c == '\\') {
      why = "the path holds a backslash";
      return std::nullopt;
    }
  }
  SplitPath out;
  std::string_view rest = path;
  if (style == PathStyle::kWindows) {
    // "C:\..." only: UNC (\\server\share) and device (\\?\) paths are never HIMDS's.
    if (rest.size() < 3 || !parse::IsAlpha(rest[0]) || rest[1] != ':' ||
        !IsSeparator(rest[2], style)) {
      why = "the path is not an absolute drive path";
      return std::nullopt;
    }
    out.drive = {static_cast<char>(rest[0] & ~0x20), ':'};
    rest.remove_prefix(2);
  } else if (rest.empty() || rest.front() != '/') {
    why = "the path is not absolute";
    return std::nullopt;
  }
  std::size_t i = 0;
  while (i < rest.size()) {
    while (i < rest.size() && IsSeparator(rest[i], style)) ++i;
    std::size_t j = i;
    while (j < rest.size() && !IsSeparator(rest[j], style)) ++j;
    if (j > i) {
      std::string part(rest.substr(i, j - i));
      if (part == "." || part == "..") {
        why = "the path has a '.' or '..' component";
        return std::nullopt;
      }
      if (style == PathStyle::kWindows &&
          (part.find(':') != std::string::npos || part.back() == '.' || part.back() == ' ')) {
        // "x.key:stream" and Win32's silent trailing dot/space stripping would make the name
        // checked differ from the file opened.
        why = "the path has a component Windows would reinterpret";
        return std::nullopt;
      }
      out.parts.push_back(std::move(part));
    }
    i = j;
  }
  return out;
}

bool SameName(const std::string& a, const std::string& b, PathStyle style) {
  return style == PathStyle::kWindows ? parse::EqualsNoCase(a, b) : a == b;
}

std::string Join(const SplitPath& path, PathStyle style) {
  const char sep = style == PathStyle::kWindows ? '\\' : '/';
  std::string out = path.drive;
  for (const auto& part : path.parts) {
    out += sep;
    out += part;
  }
  return out;
}

}  // namespace

PathStyle NativePathStyle() {
#ifdef _WIN32
  return PathStyle::kWindows;
#else
  return PathStyle::kPosix;
#endif
}

std::string DefaultArcTokenDir(PathStyle style, std::string_view program_data) {
  // reference/azure.md §2.3 (Python SDK azure_arc.py, MSAL Go linuxSupportedPath/windowsTokenPath).
  if (style == PathStyle::kPosix) return "/var/opt/azcmagent/tokens";
  std::string base(program_data.empty() ? std::string_view("C:\\ProgramData") : program_data);
  while (!base.empty() && (base.back() == '\\' || base.back() == '/')) base.pop_back();
  return base + "\\AzureConnectedMachineAgent\\Tokens";
}

Result<std::string> ValidateArcKeyPath(std::string_view realm, std::string_view token_dir,
                                       PathStyle style) {
  std::string why;
  const auto path = Split(realm, style, why);
  if (!path) return Refuse(realm, why);
  const auto dir = Split(token_dir, style, why);
  if (!dir) return Refuse(realm, "the token directory is not usable: " + why);
  bool inside = path->parts.size() == dir->parts.size() + 1 &&
                SameName(path->drive, dir->drive, PathStyle::kWindows);
  for (std::size_t i = 0; inside && i < dir->parts.size(); ++i) {
    inside = SameName(path->parts[i], dir->parts[i], style);
  }
  if (!inside) {
    return Refuse(realm, "it is not directly in the token directory " + Join(*dir, style));
  }
  const std::string& name = path->parts.back();
  constexpr std::string_view kSuffix = ".key";
  const bool suffix_ok =
      name.size() > kSuffix.size() &&
      SameName(name.substr(name.size() - kSuffix.size()), std::string(kSuffix), style);
  if (!suffix_ok) return Refuse(realm, "its name does not end in .key");
  return Join(*path, style);
}

Result<std::string> ReadArcKeyFile(const FileSystem& fs, std::string_view realm,
                                   std::string_view token_dir, PathStyle style) {
  auto valid = ValidateArcKeyPath(realm, token_dir, style);
  if (!valid.Ok()) return valid.Err();
  const std::string& path = valid.Value();
  // The token directory is writable only by the Arc agent (root / himds group), so the window
  // between these checks and the read is not one an unprivileged user can use.
  if (fs.ReadLink(path).Ok()) return Refuse(path, "it is a symbolic link");
  auto info = fs.Stat(path);
  if (!info.Ok()) {
    return MakeError(info.Err().kind, "cannot use the Arc key file: " + info.Err().message);
  }
  if (info.Value().type != FileType::kRegular) return Refuse(path, "it is not a regular file");
  if (info.Value().size > kMaxArcKeyFileBytes) {
    return Refuse(path, "it is larger than " + std::to_string(kMaxArcKeyFileBytes) + " bytes");
  }
  auto content = fs.ReadFile(path, kMaxArcKeyFileBytes);
  if (!content.Ok()) {
    if (content.Err().kind == ErrorKind::kTooLarge) {
      return Refuse(path, "it is larger than " + std::to_string(kMaxArcKeyFileBytes) + " bytes");
    }
    return MakeError(content.Err().kind, "cannot read the Arc key file: " + content.Err().message);
  }
  std::string secret = std::move(content).Value();
  // `cat` in the documented bash sample drops trailing newlines the same way (azure.md §2.2).
  while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
  if (secret.empty()) return Refuse(path, "it is empty");
  for (const char c : secret) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return Refuse(path, "its content is not a header value");
    }
  }
  return secret;
}

}  // namespace preflight::azure

#pragma once

// The Arc HIMDS challenge names a key file whose content is the credential for one token
// (reference/azure.md §2.2). Anything a server tells us to open is hostile until validated
// (STYLE.md, 5): the file must sit directly in the agent's token directory, end in ".key", be a
// regular file (not a symbolic link) and hold at most 4096 bytes (§2.3: the Python SDK's and
// MSAL's rules, plus the `..` and symlink rejections MSAL .NET tests for).

#include <cstddef>
#include <string>
#include <string_view>

#include "platform/result.h"

namespace preflight {
class FileSystem;
}

namespace preflight::azure {

// MSAL's azureArcMaxFileSizeBytes and the Python SDK's limit (reference/azure.md §2.3).
inline constexpr std::size_t kMaxArcKeyFileBytes = 4096;

// POSIX paths ('/'-separated, case-sensitive) or Windows paths ("C:\...", either separator,
// case-insensitive).
enum class PathStyle { kPosix, kWindows };

// The style of the platform the agent was built for.
PathStyle NativePathStyle();

// The directory HIMDS writes key files to: /var/opt/azcmagent/tokens on Linux,
// <ProgramData>\AzureConnectedMachineAgent\Tokens on Windows (`program_data` is %ProgramData%,
// "C:\ProgramData" when empty).
std::string DefaultArcTokenDir(PathStyle style, std::string_view program_data);

// Pure check of the challenge's path against the token directory: absolute, no "." or ".."
// component, no control characters (nor ':' streams after the drive on Windows), its directory
// equal to `token_dir` after collapsing repeated separators, and a name ending in ".key".
// Returns the normalised path; the error says why (kPermission), never more than the path.
Result<std::string> ValidateArcKeyPath(std::string_view realm, std::string_view token_dir,
                                       PathStyle style);

// ValidateArcKeyPath, then through `fs`: not a symbolic link, a regular file, at most
// kMaxArcKeyFileBytes; returns the content without trailing CR/LF. Errors name the path and the
// rule, never the content.
Result<std::string> ReadArcKeyFile(const FileSystem& fs, std::string_view realm,
                                   std::string_view token_dir, PathStyle style);

}  // namespace preflight::azure

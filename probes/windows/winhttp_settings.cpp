#include "probes/windows/winhttp_settings.h"

namespace preflight {
namespace {

// A proxy list longer than this is not a real setting.
constexpr std::uint32_t kMaxListBytes = 32 * 1024;

bool ReadDword(std::string_view& bytes, std::uint32_t& value) {
  if (bytes.size() < 4) return false;
  value = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    value |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i])) << (8 * i);
  }
  bytes.remove_prefix(4);
  return true;
}

bool ReadCounted(std::string_view& bytes, std::string& text, const char* what, std::string& error) {
  std::uint32_t length = 0;
  if (!ReadDword(bytes, length)) {
    error = std::string("the value ends before the length of the ") + what;
    return false;
  }
  if (length > kMaxListBytes || length > bytes.size()) {
    error = std::string("the ") + what + " length " + std::to_string(length) +
            " runs past the end of the value";
    return false;
  }
  text.assign(bytes.substr(0, length));
  bytes.remove_prefix(length);
  // Written by netsh as ANSI; a NUL ends it if one slipped in.
  text = text.substr(0, text.find('\0'));
  return true;
}

}  // namespace

WinHttpProxy ParseWinHttpSettings(std::string_view bytes) {
  WinHttpProxy result;
  std::uint32_t version = 0;
  std::uint32_t counter = 0;
  if (!ReadDword(bytes, version) || !ReadDword(bytes, counter) || !ReadDword(bytes, result.flags)) {
    result.error = "the value is shorter than its 12-byte header";
    return result;
  }
  if (!ReadCounted(bytes, result.proxy, "proxy list", result.error)) return result;
  // A direct setting may end right after an empty proxy list.
  if (!bytes.empty() && !ReadCounted(bytes, result.bypass, "bypass list", result.error)) {
    return result;
  }
  // Flag 2 (PROXY_TYPE_PROXY) off means the list is kept but not used.
  if ((result.flags & 2U) == 0) result.proxy.clear();
  result.valid = true;
  return result;
}

}  // namespace preflight

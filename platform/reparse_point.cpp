#include "platform/reparse_point.h"

#include <cstdint>
#include <cstdio>
#include <optional>

#include "platform/utf16.h"

namespace preflight {
namespace {

// winnt.h
constexpr std::uint32_t kTagMountPoint = 0xA0000003;  // IO_REPARSE_TAG_MOUNT_POINT (junction)
constexpr std::uint32_t kTagSymlink = 0xA000000C;     // IO_REPARSE_TAG_SYMLINK
// ReparseTag (4), ReparseDataLength (2), Reserved (2).
constexpr std::size_t kHeaderBytes = 8;

std::uint32_t Le(std::string_view bytes, std::size_t at, std::size_t size) {
  std::uint32_t value = 0;
  for (std::size_t i = size; i-- > 0;) {
    value = (value << 8) | static_cast<unsigned char>(bytes[at + i]);
  }
  return value;
}

std::string Hex(std::uint32_t value) {
  char text[16];
  std::snprintf(text, sizeof text, "0x%08X", static_cast<unsigned>(value));
  return text;
}

}  // namespace

Result<std::string> ParseReparsePointTarget(std::string_view buffer) {
  if (buffer.size() < kHeaderBytes) {
    return MakeError(ErrorKind::kInvalid, "reparse data is shorter than its header");
  }
  const std::uint32_t tag = Le(buffer, 0, 4);
  const std::size_t data_length = Le(buffer, 4, 2);
  if (tag != kTagSymlink && tag != kTagMountPoint) {
    return MakeError(ErrorKind::kInvalid,
                     "a reparse point of tag " + Hex(tag) + ", not a symbolic link or junction");
  }
  if (buffer.size() - kHeaderBytes < data_length) {
    return MakeError(ErrorKind::kInvalid, "reparse data is truncated");
  }
  const std::string_view data = buffer.substr(kHeaderBytes, data_length);
  // Four 16-bit offsets and lengths, then (symbolic links only) 32-bit flags.
  const std::size_t names_at = tag == kTagSymlink ? 12 : 8;
  if (data.size() < names_at) return MakeError(ErrorKind::kInvalid, "reparse data is truncated");
  const std::string_view path_buffer = data.substr(names_at);
  const auto name = [&](std::size_t field) -> std::optional<std::u16string> {
    const std::size_t offset = Le(data, field, 2);
    const std::size_t length = Le(data, field + 2, 2);
    if (offset > path_buffer.size() || path_buffer.size() - offset < length) return std::nullopt;
    return Utf16FromLittleEndianBytes(path_buffer.substr(offset, length));
  };
  const auto substitute = name(0);
  const auto print = name(4);
  if (!substitute || !print) {
    return MakeError(ErrorKind::kInvalid, "reparse data names lie outside its path buffer");
  }
  if (!print->empty()) return Utf16ToUtf8(*print);
  std::u16string target = *substitute;
  if (target.rfind(u"\\??\\", 0) == 0) target.erase(0, 4);
  if (target.empty()) return MakeError(ErrorKind::kInvalid, "reparse point has an empty target");
  return Utf16ToUtf8(target);
}

}  // namespace preflight

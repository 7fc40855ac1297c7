#include "platform/reparse_point.h"

#include <gtest/gtest.h>

#include "platform/utf16.h"

namespace preflight {
namespace {

std::string Le(std::uint32_t value, std::size_t bytes) {
  std::string out;
  for (std::size_t i = 0; i < bytes; ++i) out += static_cast<char>((value >> (8 * i)) & 0xFF);
  return out;
}

std::string Utf16(const char* text) { return Utf16ToLittleEndianBytes(Utf8ToUtf16(text).value()); }

// REPARSE_DATA_BUFFER as the kernel returns it for a symbolic link (with flags) or a junction.
std::string Buffer(std::uint32_t tag, const char* substitute, const char* print, bool flags) {
  const std::string sub = Utf16(substitute);
  const std::string prn = Utf16(print);
  std::string data = Le(0, 2) + Le(static_cast<std::uint32_t>(sub.size()), 2) +
                     Le(static_cast<std::uint32_t>(sub.size()), 2) +
                     Le(static_cast<std::uint32_t>(prn.size()), 2);
  if (flags) data += Le(0, 4);
  data += sub + prn;
  return Le(tag, 4) + Le(static_cast<std::uint32_t>(data.size()), 2) + Le(0, 2) + data;
}

constexpr std::uint32_t kSymlink = 0xA000000C;
constexpr std::uint32_t kJunction = 0xA0000003;

TEST(ParseReparsePointTarget, SymbolicLinksAndJunctions) {
  EXPECT_EQ(
      ParseReparsePointTarget(Buffer(kSymlink, "\\??\\C:\\target", "C:\\target", true)).Value(),
      "C:\\target");
  EXPECT_EQ(ParseReparsePointTarget(Buffer(kJunction, "\\??\\D:\\data", "", false)).Value(),
            "D:\\data");
  EXPECT_EQ(ParseReparsePointTarget(Buffer(kSymlink, "..\\rel", "..\\rel", true)).Value(),
            "..\\rel");
}

TEST(ParseReparsePointTarget, RefusesOtherTagsAndBrokenBuffers) {
  const std::string good = Buffer(kSymlink, "\\??\\C:\\t", "C:\\t", true);
  // IO_REPARSE_TAG_APPEXECLINK: an app alias, not a link to follow.
  EXPECT_EQ(ParseReparsePointTarget(Buffer(0x8000001B, "x", "x", true)).Err().kind,
            ErrorKind::kInvalid);
  for (std::size_t cut = 0; cut < good.size(); ++cut) {
    EXPECT_FALSE(ParseReparsePointTarget(good.substr(0, cut)).Ok()) << cut;
  }
  std::string outside = good;
  outside[8 + 2] = '\x7F';  // substitute name length beyond the buffer
  EXPECT_FALSE(ParseReparsePointTarget(outside).Ok());
  EXPECT_FALSE(ParseReparsePointTarget(Buffer(kJunction, "", "", false)).Ok());
}

}  // namespace
}  // namespace preflight

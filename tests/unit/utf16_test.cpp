#include "platform/utf16.h"

#include <gtest/gtest.h>

namespace preflight {
namespace {

TEST(Utf16, RoundTripsEveryEncodedLength) {
  // 1, 2, 3 and 4 UTF-8 bytes; the last one is a surrogate pair in UTF-16.
  const std::string text = "a\xC3\xA9\xE6\x97\xA5\xF0\x9F\x98\x80";
  const auto utf16 = Utf8ToUtf16(text);
  ASSERT_TRUE(utf16.has_value());
  EXPECT_EQ(*utf16, (std::u16string{u'a', 0x00E9, 0x65E5, 0xD83D, 0xDE00}));
  EXPECT_EQ(Utf16ToUtf8(*utf16), text);
}

TEST(Utf16, RefusesInvalidUtf8) {
  const std::string_view cases[] = {
      "\xC3",              // truncated
      "\xC0\xAF",          // overlong '/'
      "\xE0\x80\xAF",      // overlong
      "\xED\xA0\x80",      // a surrogate encoded in UTF-8
      "\xF4\x90\x80\x80",  // above U+10FFFF
      "\x80",              // a lone continuation byte
      "\xFF",
      "ok\xC3(",  // a lead byte without its continuation
  };
  for (const auto text : cases) {
    EXPECT_FALSE(Utf8ToUtf16(text).has_value()) << testing::PrintToString(std::string(text));
  }
}

TEST(Utf16, KeepsNulBytes) {
  const auto utf16 = Utf8ToUtf16(std::string_view("a\0b", 3));
  ASSERT_TRUE(utf16.has_value());
  EXPECT_EQ(utf16->size(), 3U);
}

TEST(Utf16, ReplacesUnpairedSurrogates) {
  EXPECT_EQ(Utf16ToUtf8(std::u16string{u'x', 0xD800}), "x\xEF\xBF\xBD");
  EXPECT_EQ(Utf16ToUtf8(std::u16string{0xDC00, u'y'}), "\xEF\xBF\xBDy");
  EXPECT_EQ(Utf16ToUtf8(std::u16string{0xD800, 0xD800, 0xDC00}), "\xEF\xBF\xBD\xF0\x90\x80\x80");
}

TEST(Utf16, LittleEndianBytesRoundTripAndDropAnOddByte) {
  const std::u16string text{u'A', 0x20AC};
  const std::string bytes = Utf16ToLittleEndianBytes(text);
  EXPECT_EQ(bytes, std::string("A\0\xAC\x20", 4));
  EXPECT_EQ(Utf16FromLittleEndianBytes(bytes), text);
  EXPECT_EQ(Utf16FromLittleEndianBytes(bytes + "\x01"), text);
}

}  // namespace
}  // namespace preflight

#pragma once

// UTF-8 <-> UTF-16 without OS headers, so the conversions behind every Windows path, registry
// string and process argument are unit-tested and fuzzed on both builds.

#include <optional>
#include <string>
#include <string_view>

namespace preflight {

// nullopt when `text` is not valid UTF-8 (overlong forms, surrogates, > U+10FFFF, truncation):
// a path or argument that does not convert must be refused, not silently changed into another.
std::optional<std::u16string> Utf8ToUtf16(std::string_view text);

// Windows names are not always valid UTF-16 (unpaired surrogates are legal in NTFS and the
// registry); each unpaired surrogate becomes U+FFFD so a report stays valid UTF-8.
std::string Utf16ToUtf8(std::u16string_view text);

// UTF-16LE bytes as the registry stores them; a trailing odd byte is dropped.
std::u16string Utf16FromLittleEndianBytes(std::string_view bytes);
std::string Utf16ToLittleEndianBytes(std::u16string_view text);

}  // namespace preflight

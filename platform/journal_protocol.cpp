#include "platform/journal_protocol.h"

#include <charconv>

namespace preflight::journal {
namespace {

// journald's own limit on a field name (JOURNAL_NATIVE_PROTOCOL, "Field names").
constexpr std::size_t kMaxFieldNameBytes = 64;

bool ParseWhole(std::string_view text, std::uint64_t& value) {
  if (text.empty()) return false;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && ptr == text.data() + text.size();
}

void AppendLength(std::string& out, std::uint64_t length) {
  for (int byte = 0; byte < 8; ++byte) {
    out.push_back(static_cast<char>((length >> (8 * byte)) & 0xFFU));
  }
}

}  // namespace

bool ValidFieldName(std::string_view name) {
  if (name.empty() || name.size() > kMaxFieldNameBytes || name.front() == '_') return false;
  for (const char c : name) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
  }
  return true;
}

std::string EncodeEntry(std::span<const Field> fields) {
  std::string out;
  for (const Field& field : fields) {
    if (!ValidFieldName(field.name)) continue;
    out.append(field.name);
    if (field.value.find('\n') == std::string_view::npos) {
      out.push_back('=');
    } else {
      out.push_back('\n');
      AppendLength(out, field.value.size());
    }
    out.append(field.value);
    out.push_back('\n');
  }
  return out;
}

bool StreamMatches(std::string_view journal_stream, std::uint64_t device, std::uint64_t inode) {
  const std::size_t colon = journal_stream.find(':');
  if (colon == std::string_view::npos) return false;
  std::uint64_t want_device = 0;
  std::uint64_t want_inode = 0;
  return ParseWhole(journal_stream.substr(0, colon), want_device) &&
         ParseWhole(journal_stream.substr(colon + 1), want_inode) && want_device == device &&
         want_inode == inode;
}

}  // namespace preflight::journal

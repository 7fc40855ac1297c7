#include "platform/registry.h"

#include "platform/utf16.h"

namespace preflight {
namespace {

// A DWORD or QWORD read needs 8 bytes; a little more tells "wrong type" from "too large".
constexpr std::size_t kMaxNumberBytes = 16;

std::string Where(const Registry& registry, const std::string& key, const std::string& name) {
  return registry.HostKey(key) + "!" + (name.empty() ? "(default)" : name);
}

Error WrongType(const std::string& where, const char* wanted) {
  return MakeError(ErrorKind::kInvalid, where + " is not a " + wanted);
}

// Strings are stored with or without their terminating NUL; everything after the first NUL is
// not part of the string (RegQueryValueEx: "the string may not have been stored with the proper
// terminating null characters").
std::u16string UpToNul(std::u16string text) {
  const auto nul = text.find(u'\0');
  if (nul != std::u16string::npos) text.resize(nul);
  return text;
}

}  // namespace

Result<std::uint32_t> DecodeRegistryDword(const RegistryValue& value, const std::string& where) {
  if (value.data.size() != 4) return WrongType(where, "DWORD");
  const auto byte = [&](std::size_t i) {
    return static_cast<std::uint32_t>(static_cast<unsigned char>(value.data[i]));
  };
  if (value.type == RegistryType::kDword) {
    return byte(0) | (byte(1) << 8) | (byte(2) << 16) | (byte(3) << 24);
  }
  if (value.type == RegistryType::kDwordBigEndian) {
    return byte(3) | (byte(2) << 8) | (byte(1) << 16) | (byte(0) << 24);
  }
  return WrongType(where, "DWORD");
}

Result<std::uint64_t> DecodeRegistryQword(const RegistryValue& value, const std::string& where) {
  if (value.type != RegistryType::kQword || value.data.size() != 8) {
    return WrongType(where, "QWORD");
  }
  std::uint64_t result = 0;
  for (std::size_t i = 8; i-- > 0;) {
    result = (result << 8) | static_cast<unsigned char>(value.data[i]);
  }
  return result;
}

Result<std::string> DecodeRegistryString(const RegistryValue& value, const std::string& where) {
  if (value.type != RegistryType::kString && value.type != RegistryType::kExpandString) {
    return WrongType(where, "string");
  }
  return Utf16ToUtf8(UpToNul(Utf16FromLittleEndianBytes(value.data)));
}

Result<std::vector<std::string>> DecodeRegistryMultiString(const RegistryValue& value,
                                                           const std::string& where) {
  if (value.type != RegistryType::kMultiString) return WrongType(where, "multi-string");
  // A sequence of NUL-terminated strings ended by an empty one (REG_MULTI_SZ in
  // https://learn.microsoft.com/windows/win32/sysinfo/registry-value-types); a missing final
  // terminator is tolerated.
  const std::u16string text = Utf16FromLittleEndianBytes(value.data);
  std::vector<std::string> strings;
  std::size_t start = 0;
  while (start < text.size()) {
    auto nul = text.find(u'\0', start);
    if (nul == std::u16string::npos) nul = text.size();
    if (nul == start) break;
    strings.push_back(Utf16ToUtf8(std::u16string_view(text).substr(start, nul - start)));
    start = nul + 1;
  }
  return strings;
}

Result<std::uint32_t> Registry::ReadDword(const std::string& key, const std::string& name,
                                          RegistryView view) const {
  auto value = ReadValue(key, name, kMaxNumberBytes, view);
  if (!value.Ok()) {
    if (value.Err().kind == ErrorKind::kTooLarge)
      return WrongType(Where(*this, key, name), "DWORD");
    return value.Err();
  }
  return DecodeRegistryDword(value.Value(), Where(*this, key, name));
}

Result<std::uint64_t> Registry::ReadQword(const std::string& key, const std::string& name,
                                          RegistryView view) const {
  auto value = ReadValue(key, name, kMaxNumberBytes, view);
  if (!value.Ok()) {
    if (value.Err().kind == ErrorKind::kTooLarge)
      return WrongType(Where(*this, key, name), "QWORD");
    return value.Err();
  }
  return DecodeRegistryQword(value.Value(), Where(*this, key, name));
}

Result<std::string> Registry::ReadString(const std::string& key, const std::string& name,
                                         std::size_t max_bytes, RegistryView view) const {
  auto value = ReadValue(key, name, max_bytes, view);
  if (!value.Ok()) return value.Err();
  return DecodeRegistryString(value.Value(), Where(*this, key, name));
}

Result<std::vector<std::string>> Registry::ReadMultiString(const std::string& key,
                                                           const std::string& name,
                                                           std::size_t max_bytes,
                                                           RegistryView view) const {
  auto value = ReadValue(key, name, max_bytes, view);
  if (!value.Ok()) return value.Err();
  return DecodeRegistryMultiString(value.Value(), Where(*this, key, name));
}

Result<bool> Registry::KeyExists(const std::string& key, RegistryView view) const {
  auto listing = ListSubkeys(key, 0, view);
  if (listing.Ok()) return true;
  if (listing.Err().kind == ErrorKind::kNotFound) return false;
  return listing.Err();
}

}  // namespace preflight

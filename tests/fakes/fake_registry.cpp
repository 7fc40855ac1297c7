#include "tests/fakes/fake_registry.h"

#include <algorithm>

#include "platform/utf16.h"

namespace preflight::testing {
namespace {

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) {
    return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  });
  return text;
}

std::string LittleEndian(std::uint64_t value, std::size_t bytes) {
  std::string data;
  for (std::size_t i = 0; i < bytes; ++i) data += static_cast<char>((value >> (8 * i)) & 0xFF);
  return data;
}

std::string Utf16Bytes(const std::string& text) {
  return Utf16ToLittleEndianBytes(Utf8ToUtf16(text).value_or(u"?"));
}

bool IsBelow(const std::string& key, const std::string& ancestor) {
  return key == ancestor || (key.size() > ancestor.size() && key.rfind(ancestor + "\\", 0) == 0);
}

}  // namespace

void FakeRegistry::SetValue(const std::string& key, const std::string& name, RegistryValue value,
                            RegistryView view) {
  AddKey(key, view);
  keys_[{view, Lower(key)}].values[Lower(name)] = StoredValue{name, std::move(value)};
}

void FakeRegistry::SetDword(const std::string& key, const std::string& name, std::uint32_t value,
                            RegistryView view) {
  SetValue(key, name, RegistryValue{RegistryType::kDword, LittleEndian(value, 4)}, view);
}

void FakeRegistry::SetQword(const std::string& key, const std::string& name, std::uint64_t value,
                            RegistryView view) {
  SetValue(key, name, RegistryValue{RegistryType::kQword, LittleEndian(value, 8)}, view);
}

void FakeRegistry::SetString(const std::string& key, const std::string& name,
                             const std::string& value, RegistryView view) {
  // Stored with its terminating NUL, as RegSetValueExW callers are told to.
  SetValue(key, name,
           RegistryValue{RegistryType::kString, Utf16Bytes(value) + std::string(2, '\0')}, view);
}

void FakeRegistry::SetMultiString(const std::string& key, const std::string& name,
                                  const std::vector<std::string>& values, RegistryView view) {
  std::string data;
  for (const auto& value : values) data += Utf16Bytes(value) + std::string(2, '\0');
  data += std::string(2, '\0');
  SetValue(key, name, RegistryValue{RegistryType::kMultiString, data}, view);
}

void FakeRegistry::AddKey(const std::string& key, RegistryView view) {
  // Every ancestor exists too, as in the real registry.
  std::size_t end = 0;
  do {
    end = key.find('\\', end + 1);
    const std::string part = key.substr(0, end);
    keys_.try_emplace({view, Lower(part)}, StoredKey{part, {}});
  } while (end != std::string::npos);
}

void FakeRegistry::Deny(const std::string& key, Error error) {
  denied_.insert_or_assign(Lower(key), std::move(error));
}

const Error* FakeRegistry::Denied(const std::string& key) const {
  for (const auto& [denied_key, error] : denied_) {
    if (IsBelow(Lower(key), denied_key)) return &error;
  }
  return nullptr;
}

const FakeRegistry::StoredKey* FakeRegistry::Find(const std::string& key, RegistryView view) const {
  const auto it = keys_.find({view, Lower(key)});
  return it == keys_.end() ? nullptr : &it->second;
}

Result<RegistryValue> FakeRegistry::ReadValue(const std::string& key, const std::string& name,
                                              std::size_t max_bytes, RegistryView view) const {
  if (const Error* error = Denied(key)) return *error;
  const StoredKey* stored = Find(key, view);
  if (stored == nullptr) return MakeError(ErrorKind::kNotFound, "no such key " + HostKey(key));
  const auto it = stored->values.find(Lower(name));
  if (it == stored->values.end()) {
    return MakeError(ErrorKind::kNotFound, "no value " + name + " in " + HostKey(key));
  }
  if (it->second.value.data.size() > max_bytes) {
    return MakeError(ErrorKind::kTooLarge, HostKey(key) + "!" + name + " too large");
  }
  return it->second.value;
}

Result<RegistryNames> FakeRegistry::ListSubkeys(const std::string& key, std::size_t max_entries,
                                                RegistryView view) const {
  if (const Error* error = Denied(key)) return *error;
  if (Find(key, view) == nullptr) {
    return MakeError(ErrorKind::kNotFound, "no such key " + HostKey(key));
  }
  const std::string prefix = Lower(key) + "\\";
  RegistryNames listing;
  for (const auto& [id, stored] : keys_) {
    if (id.first != view || id.second.rfind(prefix, 0) != 0) continue;
    if (id.second.find('\\', prefix.size()) != std::string::npos) continue;  // a grandchild
    if (listing.names.size() >= max_entries) {
      listing.truncated = true;
      break;
    }
    listing.names.push_back(stored.name.substr(prefix.size()));
  }
  return listing;
}

Result<RegistryNames> FakeRegistry::ListValueNames(const std::string& key, std::size_t max_entries,
                                                   RegistryView view) const {
  if (const Error* error = Denied(key)) return *error;
  const StoredKey* stored = Find(key, view);
  if (stored == nullptr) return MakeError(ErrorKind::kNotFound, "no such key " + HostKey(key));
  RegistryNames listing;
  for (const auto& [lower, value] : stored->values) {
    if (listing.names.size() >= max_entries) {
      listing.truncated = true;
      break;
    }
    listing.names.push_back(value.name);
  }
  return listing;
}

}  // namespace preflight::testing

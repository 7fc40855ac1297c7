#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "platform/registry.h"

namespace preflight::testing {

// An in-memory registry: values by key, name and view; keys implied by their values and subkeys.
// Key and value names compare case-insensitively, as in Windows. Reads are bounded like the real
// one, and the typed reads decode the stored bytes with the same code.
class FakeRegistry final : public Registry {
 public:
  void SetValue(const std::string& key, const std::string& name, RegistryValue value,
                RegistryView view = RegistryView::k64);
  void SetDword(const std::string& key, const std::string& name, std::uint32_t value,
                RegistryView view = RegistryView::k64);
  void SetQword(const std::string& key, const std::string& name, std::uint64_t value,
                RegistryView view = RegistryView::k64);
  void SetString(const std::string& key, const std::string& name, const std::string& value,
                 RegistryView view = RegistryView::k64);
  void SetMultiString(const std::string& key, const std::string& name,
                      const std::vector<std::string>& values,
                      RegistryView view = RegistryView::k64);
  void AddKey(const std::string& key, RegistryView view = RegistryView::k64);
  // Every read below `key` fails with this error (an ACL that denies the agent).
  void Deny(const std::string& key, Error error);

  Result<RegistryValue> ReadValue(const std::string& key, const std::string& name,
                                  std::size_t max_bytes, RegistryView view) const override;
  Result<RegistryNames> ListSubkeys(const std::string& key, std::size_t max_entries,
                                    RegistryView view) const override;
  Result<RegistryNames> ListValueNames(const std::string& key, std::size_t max_entries,
                                       RegistryView view) const override;
  std::string HostKey(const std::string& key) const override { return "fake:HKLM\\" + key; }

 private:
  struct StoredValue {
    std::string name;  // as set, for listings
    RegistryValue value;
  };
  struct StoredKey {
    std::string name;                           // as set
    std::map<std::string, StoredValue> values;  // by lower-case name
  };
  using KeyId = std::pair<RegistryView, std::string>;  // lower-case path

  const Error* Denied(const std::string& key) const;
  const StoredKey* Find(const std::string& key, RegistryView view) const;

  std::map<KeyId, StoredKey> keys_;
  std::map<std::string, Error> denied_;  // by lower-case key
};

}  // namespace preflight::testing

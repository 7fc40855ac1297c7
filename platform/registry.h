#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "platform/result.h"

namespace preflight {

// Which view of HKLM\SOFTWARE to read: 32-bit programs write theirs under WOW6432Node
// (https://learn.microsoft.com/windows/win32/winprog64/accessing-an-alternate-registry-view).
// k64 is what a 64-bit program sees natively; a 32-bit Windows has only one view and ignores it.
enum class RegistryView { k64, k32 };

// The stored type, numbered as REG_* in winnt.h; other numbers pass through unchanged.
enum class RegistryType : std::uint32_t {
  kNone = 0,
  kString = 1,        // REG_SZ
  kExpandString = 2,  // REG_EXPAND_SZ
  kBinary = 3,        // REG_BINARY
  kDword = 4,         // REG_DWORD (little-endian)
  kDwordBigEndian = 5,
  kLink = 6,
  kMultiString = 7,  // REG_MULTI_SZ
  kQword = 11,       // REG_QWORD
};

struct RegistryValue {
  RegistryType type = RegistryType::kNone;
  std::string data;  // the bytes as stored; strings are UTF-16LE
};

struct RegistryNames {
  std::vector<std::string> names;
  bool truncated = false;  // the key held more than max_entries
};

// The registry of the machine, read-only. Keys are relative to HKEY_LOCAL_MACHINE and separated
// by '\\' ("SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion"): '/' is a legal character in key
// names. Names are UTF-8, compared case-insensitively as Windows does. Every read is bounded by the
// caller (STYLE.md, convention 5). Errors: kNotFound (no such key or value), kTooLarge,
// kPermission, kInvalid (a name that is not UTF-8, a value of the wrong type), kUnavailable (no
// registry).
class Registry {
 public:
  virtual ~Registry() = default;

  // The value as stored; kTooLarge when it holds more than max_bytes. An empty name is the key's
  // default value.
  virtual Result<RegistryValue> ReadValue(const std::string& key, const std::string& name,
                                          std::size_t max_bytes, RegistryView view) const = 0;
  // The names of the key's direct subkeys, in no particular order, at most max_entries.
  virtual Result<RegistryNames> ListSubkeys(const std::string& key, std::size_t max_entries,
                                            RegistryView view) const = 0;
  // The names of the key's values, at most max_entries.
  virtual Result<RegistryNames> ListValueNames(const std::string& key, std::size_t max_entries,
                                               RegistryView view) const = 0;
  // Where the key really is, for messages ("HKLM\\SOFTWARE\\...").
  virtual std::string HostKey(const std::string& key) const = 0;

  // Typed reads over ReadValue; kInvalid when the stored type does not fit.
  Result<std::uint32_t> ReadDword(const std::string& key, const std::string& name,
                                  RegistryView view = RegistryView::k64) const;
  Result<std::uint64_t> ReadQword(const std::string& key, const std::string& name,
                                  RegistryView view = RegistryView::k64) const;
  // REG_SZ or REG_EXPAND_SZ (not expanded), up to its first NUL.
  Result<std::string> ReadString(const std::string& key, const std::string& name,
                                 std::size_t max_bytes,
                                 RegistryView view = RegistryView::k64) const;
  Result<std::vector<std::string>> ReadMultiString(const std::string& key, const std::string& name,
                                                   std::size_t max_bytes,
                                                   RegistryView view = RegistryView::k64) const;
  // False only for kNotFound; other errors (access denied) are returned as errors.
  Result<bool> KeyExists(const std::string& key, RegistryView view = RegistryView::k64) const;
};

// Decoding of stored values, pure so that it is tested and fuzzed on every build. `where` names
// the value in error messages.
Result<std::uint32_t> DecodeRegistryDword(const RegistryValue& value, const std::string& where);
Result<std::uint64_t> DecodeRegistryQword(const RegistryValue& value, const std::string& where);
Result<std::string> DecodeRegistryString(const RegistryValue& value, const std::string& where);
Result<std::vector<std::string>> DecodeRegistryMultiString(const RegistryValue& value,
                                                           const std::string& where);

// The live HKEY_LOCAL_MACHINE when `base` is empty. Otherwise every key is looked up below `base`
// ("HKCU\\Software\\mde-preflight-test\\case1", "HKLM\\SOFTWARE\\..."), as FileSystem maps paths
// below --root: tests plant fixture keys there without touching the machine's own. Off Windows
// every read is kUnavailable.
std::unique_ptr<Registry> MakeRegistry(const std::string& base = "");

}  // namespace preflight

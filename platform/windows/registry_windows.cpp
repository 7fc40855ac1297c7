#include <windows.h>

#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "platform/registry.h"
#include "platform/windows/win32_util.h"

namespace preflight {
namespace {

using win32::UniqueKey;

// Registry element size limits (https://learn.microsoft.com/windows/win32/sysinfo/
// registry-element-size-limits): key names 255 characters, value names 16383.
constexpr DWORD kMaxKeyNameChars = 255;
constexpr DWORD kMaxValueNameChars = 16383;
// A value that changes size between the size query and the read is read again, a few times.
constexpr int kMaxReadAttempts = 4;

struct Hive {
  HKEY key = nullptr;
  const char* name = "";
};

// "HKLM\\..." or "HKEY_LOCAL_MACHINE\\...", "HKCU\\..." or "HKEY_CURRENT_USER\\...".
std::optional<std::pair<Hive, std::string>> SplitBase(const std::string& base) {
  const std::pair<const char*, Hive> prefixes[] = {
      {"HKLM", {HKEY_LOCAL_MACHINE, "HKLM"}},
      {"HKEY_LOCAL_MACHINE", {HKEY_LOCAL_MACHINE, "HKLM"}},
      {"HKCU", {HKEY_CURRENT_USER, "HKCU"}},
      {"HKEY_CURRENT_USER", {HKEY_CURRENT_USER, "HKCU"}},
  };
  const std::string hive_part = base.substr(0, base.find('\\'));
  for (const auto& [prefix, hive] : prefixes) {
    if (::lstrcmpiA(hive_part.c_str(), prefix) != 0) continue;
    std::string rest = hive_part.size() < base.size() ? base.substr(hive_part.size() + 1) : "";
    while (!rest.empty() && rest.back() == '\\') rest.pop_back();
    return std::make_pair(hive, rest);
  }
  return std::nullopt;
}

REGSAM ViewFlag(RegistryView view) {
  return view == RegistryView::k32 ? KEY_WOW64_32KEY : KEY_WOW64_64KEY;
}

class WindowsRegistry final : public Registry {
 public:
  explicit WindowsRegistry(const std::string& base) {
    if (base.empty()) {
      hive_ = Hive{HKEY_LOCAL_MACHINE, "HKLM"};
    } else if (auto split = SplitBase(base)) {
      hive_ = split->first;
      prefix_ = split->second;
    } else {
      bad_base_ = base;
    }
  }

  Result<RegistryValue> ReadValue(const std::string& key, const std::string& name,
                                  std::size_t max_bytes, RegistryView view) const override {
    auto opened = Open(key, KEY_QUERY_VALUE, view);
    if (!opened.Ok()) return opened.Err();
    auto wide_name = win32::Wide(name, "the value name");
    if (!wide_name.Ok()) return wide_name.Err();
    const std::string where = HostKey(key) + "!" + (name.empty() ? "(default)" : name);
    for (int attempt = 0; attempt < kMaxReadAttempts; ++attempt) {
      DWORD type = REG_NONE;
      DWORD size = 0;
      LSTATUS status = ::RegQueryValueExW(opened.Value().get(), wide_name.Value().c_str(), nullptr,
                                          &type, nullptr, &size);
      if (status != ERROR_SUCCESS) return win32::Win32Error("cannot read " + where, Code(status));
      if (size > max_bytes) {
        return MakeError(ErrorKind::kTooLarge, where + " holds " + std::to_string(size) +
                                                   " bytes, more than " +
                                                   std::to_string(max_bytes));
      }
      RegistryValue value;
      value.data.resize(size);
      status = ::RegQueryValueExW(opened.Value().get(), wide_name.Value().c_str(), nullptr, &type,
                                  reinterpret_cast<BYTE*>(value.data.data()), &size);
      if (status == ERROR_MORE_DATA) continue;  // it grew in between
      if (status != ERROR_SUCCESS) return win32::Win32Error("cannot read " + where, Code(status));
      value.data.resize(size);
      value.type = static_cast<RegistryType>(type);
      return value;
    }
    return MakeError(ErrorKind::kOther, where + " kept changing while it was read");
  }

  Result<RegistryNames> ListSubkeys(const std::string& key, std::size_t max_entries,
                                    RegistryView view) const override {
    return List(key, max_entries, view, /*subkeys=*/true);
  }

  Result<RegistryNames> ListValueNames(const std::string& key, std::size_t max_entries,
                                       RegistryView view) const override {
    return List(key, max_entries, view, /*subkeys=*/false);
  }

  std::string HostKey(const std::string& key) const override {
    std::string host = hive_.name;
    if (!prefix_.empty()) host += "\\" + prefix_;
    if (!key.empty()) host += "\\" + key;
    return host;
  }

 private:
  static DWORD Code(LSTATUS status) { return static_cast<DWORD>(status); }

  Result<UniqueKey> Open(const std::string& key, REGSAM access, RegistryView view) const {
    if (!bad_base_.empty()) {
      return MakeError(ErrorKind::kInvalid,
                       "the registry base " + bad_base_ + " does not start with HKLM or HKCU");
    }
    std::string path = prefix_;
    if (!key.empty()) path += (path.empty() ? "" : "\\") + key;
    auto wide = win32::Wide(path, "the key name " + key);
    if (!wide.Ok()) return wide.Err();
    HKEY raw = nullptr;
    const LSTATUS status =
        ::RegOpenKeyExW(hive_.key, wide.Value().c_str(), 0, access | ViewFlag(view), &raw);
    if (status != ERROR_SUCCESS)
      return win32::Win32Error("cannot open " + HostKey(key), Code(status));
    return UniqueKey(raw);
  }

  Result<RegistryNames> List(const std::string& key, std::size_t max_entries, RegistryView view,
                             bool subkeys) const {
    auto opened = Open(key, subkeys ? KEY_ENUMERATE_SUB_KEYS : KEY_QUERY_VALUE, view);
    if (!opened.Ok()) return opened.Err();
    RegistryNames listing;
    std::wstring name(std::size_t{kMaxValueNameChars} + 1, L'\0');
    for (DWORD index = 0;; ++index) {
      DWORD length = (subkeys ? kMaxKeyNameChars : kMaxValueNameChars) + 1;
      const LSTATUS status = subkeys ? ::RegEnumKeyExW(opened.Value().get(), index, name.data(),
                                                       &length, nullptr, nullptr, nullptr, nullptr)
                                     : ::RegEnumValueW(opened.Value().get(), index, name.data(),
                                                       &length, nullptr, nullptr, nullptr, nullptr);
      if (status == ERROR_NO_MORE_ITEMS) break;
      if (status != ERROR_SUCCESS) {
        return win32::Win32Error("cannot list " + HostKey(key), Code(status));
      }
      if (listing.names.size() >= max_entries) {
        listing.truncated = true;
        break;
      }
      listing.names.push_back(win32::Narrow(std::wstring_view(name.data(), length)));
    }
    return listing;
  }

  Hive hive_;
  std::string prefix_;
  std::string bad_base_;
};

}  // namespace

std::unique_ptr<Registry> MakeRegistry(const std::string& base) {
  return std::make_unique<WindowsRegistry>(base);
}

}  // namespace preflight

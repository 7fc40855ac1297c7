#include <gtest/gtest.h>

#include <algorithm>

#include "platform/registry.h"
#include "tests/windows/windows_test_support.h"

namespace preflight::testing {
namespace {

// Fixture keys under HKCU\Software\mde-preflight-test\<pid>, or the same path of HKLM, written
// with the raw API and removed afterwards.
class RegistryFixture {
 public:
  explicit RegistryFixture(HKEY hive, const char* hive_name)
      : hive_(hive),
        path_(std::string("Software\\mde-preflight-test\\") +
              std::to_string(::GetCurrentProcessId())),
        base_(std::string(hive_name) + "\\" + path_) {
    ::RegDeleteTreeW(hive_, W(path_).c_str());
  }
  ~RegistryFixture() {
    ::RegDeleteTreeW(hive_, W(path_).c_str());
    ::RegDeleteKeyExW(hive_, W(path_).c_str(), KEY_WOW64_32KEY, 0);
    ::RegDeleteKeyExW(hive_, L"Software\\mde-preflight-test", KEY_WOW64_32KEY, 0);
    ::RegDeleteKeyW(hive_, L"Software\\mde-preflight-test");  // only once empty
  }

  const std::string& base() const { return base_; }

  void Set(const std::string& key, const std::string& name, DWORD type, const void* data,
           DWORD size, REGSAM view = KEY_WOW64_64KEY) const {
    HKEY handle = nullptr;
    ASSERT_EQ(::RegCreateKeyExW(hive_, W(path_ + (key.empty() ? "" : "\\" + key)).c_str(), 0,
                                nullptr, 0, KEY_WRITE | view, nullptr, &handle, nullptr),
              ERROR_SUCCESS);
    ASSERT_EQ(
        ::RegSetValueExW(handle, W(name).c_str(), 0, type, static_cast<const BYTE*>(data), size),
        ERROR_SUCCESS);
    ::RegCloseKey(handle);
  }
  void SetString(const std::string& key, const std::string& name, const std::string& value,
                 DWORD type = REG_SZ) const {
    const std::wstring wide = W(value);
    Set(key, name, type, wide.c_str(), static_cast<DWORD>((wide.size() + 1) * sizeof(wchar_t)));
  }

 private:
  HKEY hive_;
  std::string path_;
  std::string base_;
};

TEST(WindowsRegistry, ReadsEveryTypeBackFromAFixtureKey) {
  RegistryFixture fixture(HKEY_CURRENT_USER, "HKCU");
  const DWORD dword = 0xC0FFEE;
  const unsigned long long qword = 133500000000000000ULL;
  fixture.Set("Status", "OnboardingState", REG_DWORD, &dword, sizeof dword);
  fixture.Set("Status", "LastConnected", REG_QWORD, &qword, sizeof qword);
  fixture.SetString("Status", "OrgId", "org-\xC3\xA9");
  fixture.SetString("Status", "InstallLocation", "%ProgramFiles%\\x", REG_EXPAND_SZ);
  const wchar_t multi[] = L"one\0two\0";
  fixture.Set("Status", "Multi", REG_MULTI_SZ, multi, sizeof multi);
  const auto registry = MakeRegistry(fixture.base());
  EXPECT_EQ(registry->ReadDword("Status", "OnboardingState").Value(), 0xC0FFEEU);
  EXPECT_EQ(registry->ReadQword("Status", "LastConnected").Value(), qword);
  EXPECT_EQ(registry->ReadString("Status", "orgid", 1024).Value(), "org-\xC3\xA9");
  EXPECT_EQ(registry->ReadString("status", "InstallLocation", 1024).Value(), "%ProgramFiles%\\x");
  EXPECT_EQ(registry->ReadMultiString("Status", "Multi", 1024).Value(),
            (std::vector<std::string>{"one", "two"}));
  const auto raw = registry->ReadValue("Status", "OnboardingState", 16, RegistryView::k64);
  ASSERT_TRUE(raw.Ok());
  EXPECT_EQ(raw.Value().type, RegistryType::kDword);
  EXPECT_EQ(raw.Value().data.size(), 4U);
}

TEST(WindowsRegistry, ErrorsAndBounds) {
  RegistryFixture fixture(HKEY_CURRENT_USER, "HKCU");
  fixture.SetString("K", "Text", "a fairly long string value");
  const auto registry = MakeRegistry(fixture.base());
  EXPECT_EQ(registry->ReadString("K", "Text", 8).Err().kind, ErrorKind::kTooLarge);
  EXPECT_EQ(registry->ReadDword("K", "Text").Err().kind, ErrorKind::kInvalid);
  EXPECT_EQ(registry->ReadDword("K", "Missing").Err().kind, ErrorKind::kNotFound);
  const auto no_key = registry->ReadDword("NoSuchKey", "x");
  ASSERT_FALSE(no_key.Ok());
  EXPECT_EQ(no_key.Err().kind, ErrorKind::kNotFound);
  EXPECT_NE(no_key.Err().message.find(fixture.base() + "\\NoSuchKey"), std::string::npos);
  EXPECT_EQ(registry->ReadDword("K", "bad\xFF").Err().kind, ErrorKind::kInvalid);
  EXPECT_EQ(MakeRegistry("HKXX\\Software")->ReadDword("K", "x").Err().kind, ErrorKind::kInvalid);
}

TEST(WindowsRegistry, ListsSubkeysAndValuesBounded) {
  RegistryFixture fixture(HKEY_CURRENT_USER, "HKCU");
  const DWORD one = 1;
  for (const char* key : {"Plugins\\A", "Plugins\\B", "Plugins\\C\\Deep"}) {
    fixture.Set(key, "v", REG_DWORD, &one, sizeof one);
  }
  fixture.Set("Plugins", "x", REG_DWORD, &one, sizeof one);
  fixture.Set("Plugins", "y", REG_DWORD, &one, sizeof one);
  const auto registry = MakeRegistry(fixture.base());
  auto all = registry->ListSubkeys("Plugins", 10, RegistryView::k64);
  ASSERT_TRUE(all.Ok()) << all.Err().message;
  std::sort(all.Value().names.begin(), all.Value().names.end());
  EXPECT_EQ(all.Value().names, (std::vector<std::string>{"A", "B", "C"}));
  EXPECT_FALSE(all.Value().truncated);
  const auto two = registry->ListSubkeys("Plugins", 2, RegistryView::k64);
  EXPECT_EQ(two.Value().names.size(), 2U);
  EXPECT_TRUE(two.Value().truncated);
  auto values = registry->ListValueNames("Plugins", 10, RegistryView::k64);
  ASSERT_TRUE(values.Ok());
  std::sort(values.Value().names.begin(), values.Value().names.end());
  EXPECT_EQ(values.Value().names, (std::vector<std::string>{"x", "y"}));
  EXPECT_TRUE(registry->KeyExists("Plugins\\C").Value());
  EXPECT_FALSE(registry->KeyExists("Plugins\\Z").Value());
}

// 32-bit programs' HKLM\SOFTWARE lives in WOW6432Node; each view sees only its own value.
TEST(WindowsRegistry, ViewsOfHklmSoftwareAreSeparate) {
  RegistryFixture fixture(HKEY_LOCAL_MACHINE, "HKLM");
  const DWORD native = 64;
  const DWORD wow = 32;
  fixture.Set("", "Bits", REG_DWORD, &native, sizeof native, KEY_WOW64_64KEY);
  fixture.Set("", "Bits", REG_DWORD, &wow, sizeof wow, KEY_WOW64_32KEY);
  const auto registry = MakeRegistry(fixture.base());
  EXPECT_EQ(registry->ReadDword("", "Bits", RegistryView::k64).Value(), 64U);
  EXPECT_EQ(registry->ReadDword("", "Bits", RegistryView::k32).Value(), 32U);
}

TEST(WindowsRegistry, LiveMachineHasAProductName) {
  const auto registry = MakeRegistry();
  EXPECT_EQ(registry->HostKey("SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion"),
            "HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion");
  const auto name =
      registry->ReadString("SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion", "ProductName", 1024);
  ASSERT_TRUE(name.Ok()) << name.Err().message;
  EXPECT_NE(name.Value().find("Windows"), std::string::npos) << name.Value();
}

}  // namespace
}  // namespace preflight::testing

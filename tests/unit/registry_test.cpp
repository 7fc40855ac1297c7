#include "platform/registry.h"

#include <gtest/gtest.h>

#include "tests/fakes/fake_registry.h"

namespace preflight {
namespace {

using testing::FakeRegistry;

RegistryValue Raw(RegistryType type, std::string bytes) { return RegistryValue{type, bytes}; }

TEST(DecodeRegistryValue, NumbersNeedTheirTypeAndSize) {
  EXPECT_EQ(DecodeRegistryDword(Raw(RegistryType::kDword, std::string("\x01\x02\x00\x80", 4)), "v")
                .Value(),
            0x80000201U);
  EXPECT_EQ(DecodeRegistryDword(
                Raw(RegistryType::kDwordBigEndian, std::string("\x01\x02\x00\x80", 4)), "v")
                .Value(),
            0x01020080U);
  EXPECT_EQ(
      DecodeRegistryQword(Raw(RegistryType::kQword, std::string("\x01\0\0\0\0\0\0\x80", 8)), "v")
          .Value(),
      0x8000000000000001ULL);
  const RegistryValue wrong[] = {Raw(RegistryType::kDword, "abc"),
                                 Raw(RegistryType::kDword, "abcde"),
                                 Raw(RegistryType::kString, "abcd"), Raw(RegistryType::kNone, "")};
  for (const auto& value : wrong) {
    const auto result = DecodeRegistryDword(value, "HKLM\\K!v");
    ASSERT_FALSE(result.Ok());
    EXPECT_EQ(result.Err().kind, ErrorKind::kInvalid);
    EXPECT_NE(result.Err().message.find("HKLM\\K!v"), std::string::npos);
  }
  EXPECT_FALSE(DecodeRegistryQword(Raw(RegistryType::kDword, "abcd"), "v").Ok());
}

TEST(DecodeRegistryValue, StringsStopAtTheFirstNulWithOrWithoutTerminator) {
  const std::string hi("h\0i\0", 4);
  EXPECT_EQ(DecodeRegistryString(Raw(RegistryType::kString, hi), "v").Value(), "hi");
  EXPECT_EQ(DecodeRegistryString(Raw(RegistryType::kString, hi + std::string(2, '\0') + "x\0"), "v")
                .Value(),
            "hi");
  EXPECT_EQ(DecodeRegistryString(Raw(RegistryType::kExpandString, std::string("%\0X\0%\0", 6)), "v")
                .Value(),
            "%X%");
  EXPECT_EQ(DecodeRegistryString(Raw(RegistryType::kString, hi + "\x01"), "v").Value(), "hi");
  EXPECT_EQ(DecodeRegistryString(Raw(RegistryType::kString, ""), "v").Value(), "");
  // An unpaired surrogate does not break the report's UTF-8.
  EXPECT_EQ(
      DecodeRegistryString(Raw(RegistryType::kString, std::string("\x00\xD8", 2)), "v").Value(),
      "\xEF\xBF\xBD");
  EXPECT_FALSE(DecodeRegistryString(Raw(RegistryType::kMultiString, hi), "v").Ok());
}

TEST(DecodeRegistryValue, MultiStringsEndAtAnEmptyString) {
  const std::string a("a\0\0\0", 4);
  const std::string bc("b\0c\0\0\0", 6);
  auto strings = DecodeRegistryMultiString(
      Raw(RegistryType::kMultiString, a + bc + std::string(2, '\0')), "v");
  ASSERT_TRUE(strings.Ok());
  EXPECT_EQ(strings.Value(), (std::vector<std::string>{"a", "bc"}));
  // A missing final terminator, an empty value, and garbage after the end.
  EXPECT_EQ(DecodeRegistryMultiString(Raw(RegistryType::kMultiString, std::string("x\0", 2)), "v")
                .Value(),
            std::vector<std::string>{"x"});
  EXPECT_TRUE(DecodeRegistryMultiString(Raw(RegistryType::kMultiString, ""), "v").Value().empty());
  EXPECT_EQ(
      DecodeRegistryMultiString(Raw(RegistryType::kMultiString, a + std::string(2, '\0') + bc), "v")
          .Value(),
      std::vector<std::string>{"a"});
  EXPECT_FALSE(DecodeRegistryMultiString(Raw(RegistryType::kString, a), "v").Ok());
}

TEST(FakeRegistry, TypedReadsDecodeWhatWasStored) {
  FakeRegistry registry;
  const std::string key = "SOFTWARE\\Microsoft\\Windows Advanced Threat Protection\\Status";
  registry.SetDword(key, "OnboardingState", 1);
  registry.SetQword(key, "LastConnected", 133500000000000000ULL);
  registry.SetString(key, "OrgId", "0f1e2d3c-\xC3\xA9");
  registry.SetMultiString("SYSTEM\\CurrentControlSet\\Control\\Session Manager",
                          "PendingFileRenameOperations", {"\\??\\C:\\a", ""});
  // Names compare case-insensitively, as in Windows.
  EXPECT_EQ(registry
                .ReadDword("software\\MICROSOFT\\windows advanced threat protection\\status",
                           "onboardingstate")
                .Value(),
            1U);
  EXPECT_EQ(registry.ReadQword(key, "LastConnected").Value(), 133500000000000000ULL);
  EXPECT_EQ(registry.ReadString(key, "OrgId", 1024).Value(), "0f1e2d3c-\xC3\xA9");
  EXPECT_EQ(registry
                .ReadMultiString("SYSTEM\\CurrentControlSet\\Control\\Session Manager",
                                 "PendingFileRenameOperations", 1024)
                .Value(),
            std::vector<std::string>{"\\??\\C:\\a"});
  // The wrong type, a bound, and what is missing.
  EXPECT_EQ(registry.ReadDword(key, "OrgId").Err().kind, ErrorKind::kInvalid);
  EXPECT_EQ(registry.ReadString(key, "OrgId", 4).Err().kind, ErrorKind::kTooLarge);
  EXPECT_EQ(registry.ReadDword(key, "Missing").Err().kind, ErrorKind::kNotFound);
  EXPECT_EQ(registry.ReadDword(key, "OnboardingState", RegistryView::k32).Err().kind,
            ErrorKind::kNotFound);
}

TEST(FakeRegistry, ListsSubkeysAndValuesBounded) {
  FakeRegistry registry;
  registry.AddKey("SOFTWARE\\Vendor\\A");
  registry.AddKey("SOFTWARE\\Vendor\\B\\Deep");
  registry.SetDword("SOFTWARE\\Vendor\\C", "x", 1);
  const auto all = registry.ListSubkeys("SOFTWARE\\Vendor", 10, RegistryView::k64);
  ASSERT_TRUE(all.Ok());
  EXPECT_EQ(all.Value().names, (std::vector<std::string>{"A", "B", "C"}));
  EXPECT_FALSE(all.Value().truncated);
  const auto two = registry.ListSubkeys("SOFTWARE\\Vendor", 2, RegistryView::k64);
  EXPECT_EQ(two.Value().names.size(), 2U);
  EXPECT_TRUE(two.Value().truncated);
  EXPECT_EQ(registry.ListValueNames("SOFTWARE\\Vendor\\C", 10, RegistryView::k64).Value().names,
            std::vector<std::string>{"x"});
  EXPECT_TRUE(registry.KeyExists("SOFTWARE\\Vendor\\B").Value());
  EXPECT_FALSE(registry.KeyExists("SOFTWARE\\Vendor\\Z").Value());
  registry.Deny("SOFTWARE\\Vendor\\B", MakeError(ErrorKind::kPermission, "access denied"));
  EXPECT_EQ(registry.KeyExists("SOFTWARE\\Vendor\\B\\Deep").Err().kind, ErrorKind::kPermission);
}

}  // namespace
}  // namespace preflight

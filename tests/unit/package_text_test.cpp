#include "probes/common/package_text.h"

#include <gtest/gtest.h>

namespace preflight {
namespace {

TEST(ParseRpmQuery, InstalledAndMissingPackages) {
  const RpmQueryOutput out = ParseRpmQuery(
      "mdatp\t101.24082.0004-1\tx86_64\npackage clamd is not installed\n"
      "garbage line\nkernel\t5.14.0-1\tx86_64\r\n");
  ASSERT_EQ(out.installed.size(), 2U);
  EXPECT_EQ(out.installed[0].name, "mdatp");
  EXPECT_EQ(out.installed[0].version, "101.24082.0004-1");
  EXPECT_EQ(out.installed[0].arch, "x86_64");
  EXPECT_EQ(out.installed[1].arch, "x86_64");
  ASSERT_EQ(out.not_installed.size(), 1U);
  EXPECT_EQ(out.not_installed[0], "clamd");
  EXPECT_TRUE(ParseRpmQuery("").installed.empty());
  EXPECT_TRUE(ParseRpmQuery("\tx\ty\n").installed.empty());
}

TEST(FindConfigSetting, LastUncommentedLineWins) {
  const char* text =
      "# OnAccessPrevention yes\nOnAccessPrevention no\n  OnAccessPrevention\tyes  \n"
      "OnAccessPreventionX yes\n";
  const auto found = FindConfigSetting(text, "OnAccessPrevention");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->line_number, 3U);
  EXPECT_EQ(found->value, "yes");
  EXPECT_EQ(found->line, "OnAccessPrevention\tyes");
  EXPECT_FALSE(FindConfigSetting("#OnAccessPrevention yes\n", "OnAccessPrevention"));
  EXPECT_FALSE(FindConfigSetting("", "OnAccessPrevention"));
}

TEST(MachineNames, FromPackageArchitecturesAndElfHeaders) {
  EXPECT_EQ(MachineFromPackageArch("amd64"), "x86_64");
  EXPECT_EQ(MachineFromPackageArch("arm64"), "aarch64");
  EXPECT_EQ(MachineFromPackageArch("x86_64"), "x86_64");
  EXPECT_EQ(MachineFromPackageArch("all"), "");
  EXPECT_EQ(MachineFromPackageArch("noarch"), "");
  std::string elf(20, '\0');
  elf.replace(0, 4,
              "\x7f"
              "ELF");
  elf[5] = 1;
  elf[18] = 62;
  EXPECT_EQ(MachineFromElfHeader(elf), "x86_64");
  elf[5] = 2;  // big-endian: e_machine is read high byte first
  elf[18] = 0;
  elf[19] = 22;
  EXPECT_EQ(MachineFromElfHeader(elf), "s390x");
  EXPECT_EQ(MachineFromElfHeader("\x7f"
                                 "ELF"),
            "");
  EXPECT_EQ(MachineFromElfHeader(std::string(20, 'x')), "");
}

}  // namespace
}  // namespace preflight

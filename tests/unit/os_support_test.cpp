#include "probes/linux/os_support.h"

#include <gtest/gtest.h>

#include "probes/common/embedded_data.h"

namespace preflight {
namespace {

struct SpecCase {
  std::string_view spec;
  std::string_view version;
  SpecMatch expected;
};

TEST(MatchVersionSpec, HandlesEveryFormOfTheTable) {
  const SpecCase cases[] = {
      {"7.2+", "7.9", SpecMatch::kYes},
      {"7.2+", "7.2", SpecMatch::kYes},
      {"7.2+", "7.1", SpecMatch::kNo},
      {"7.2+", "8.1", SpecMatch::kNo},
      {"7.2+", "7", SpecMatch::kImprecise},
      {"7.2+", "7.9.2009", SpecMatch::kYes},
      {"8.x", "8.10", SpecMatch::kYes},
      {"8.x", "9.0", SpecMatch::kNo},
      {"8.7+", "8.6", SpecMatch::kNo},
      {"9.2+", "9.4", SpecMatch::kYes},
      {"9-13", "12", SpecMatch::kYes},
      {"9-13", "13", SpecMatch::kYes},
      {"9-13", "8", SpecMatch::kNo},
      {"9-13", "14", SpecMatch::kNo},
      {"33-42", "42", SpecMatch::kYes},
      {"33-42", "43", SpecMatch::kNo},
      {"16.04\xE2\x80\x93"
       "24.04",
       "20.04", SpecMatch::kYes},
      {"16.04\xE2\x80\x93"
       "24.04",
       "24.10", SpecMatch::kNo},
      {"16.04-24.04", "16", SpecMatch::kImprecise},
      {"22.04", "22.04", SpecMatch::kYes},
      {"22.04", "23.10", SpecMatch::kNo},
      {"15.5", "15.5", SpecMatch::kYes},
      {"15.5", "15.4", SpecMatch::kNo},
      {"12.x", "12.5", SpecMatch::kYes},
      {"2", "2", SpecMatch::kYes},
      {"2", "2023", SpecMatch::kNo},
      {"2", "2018.03", SpecMatch::kNo},
      {"2023", "2023", SpecMatch::kYes},
      {"2", "2.0", SpecMatch::kYes},
      {"", "1", SpecMatch::kNo},
      {"x", "1", SpecMatch::kNo},
      {"+", "1", SpecMatch::kNo},
      {"-", "1", SpecMatch::kNo},
      {"8.x", "", SpecMatch::kNo},
      {"8.x", "rolling", SpecMatch::kNo},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(MatchVersionSpec(c.spec, c.version), c.expected) << c.spec << " / " << c.version;
  }
}

TEST(ArchFromMachine, MapsUnameNames) {
  EXPECT_EQ(ArchFromMachine("x86_64"), Arch::kX64);
  EXPECT_EQ(ArchFromMachine("aarch64\n"), Arch::kArm64);
  EXPECT_EQ(ArchFromMachine("ARM64"), Arch::kArm64);
  EXPECT_EQ(ArchFromMachine("ppc64le"), Arch::kOther);
  EXPECT_EQ(ArchFromMachine(""), Arch::kOther);
}

class EvaluateOsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto parsed = ParseLinuxSupport(EmbeddedData("linux_support.json"));
    ASSERT_TRUE(parsed.Ok()) << parsed.Err().message;
    support_ = std::move(parsed).Value();
  }
  OsEvaluation Eval(const std::string& text, Arch arch = Arch::kX64) {
    return EvaluateOs(support_, ParseOsRelease(text), arch);
  }
  LinuxSupport support_;
};

struct OsCase {
  const char* os_release;
  Arch arch;
  OsVerdict expected;
  const char* row;  // expected matched row, or nullptr for none
};

TEST_F(EvaluateOsTest, ClassifiesDistributions) {
  const OsCase cases[] = {
      {"ID=ubuntu\nVERSION_ID=\"22.04\"\n", Arch::kX64, OsVerdict::kSupported, "Ubuntu LTS"},
      {"ID=ubuntu\nVERSION_ID=\"16.04\"\n", Arch::kArm64, OsVerdict::kUnsupportedVersion,
       "Ubuntu LTS"},
      {"ID=ubuntu\nVERSION_ID=\"23.10\"\n", Arch::kX64, OsVerdict::kUnsupportedVersion,
       "Ubuntu LTS"},
      {"ID=ubuntu\nVERSION_ID=\"25.04\"\n", Arch::kX64, OsVerdict::kUnsupportedVersion,
       "Ubuntu LTS"},
      {"ID=ubuntu\nVERSION_ID=\"14.04\"\n", Arch::kX64, OsVerdict::kUnsupportedVersion,
       "Ubuntu LTS"},
      {"ID=\"rhel\"\nVERSION_ID=\"9.4\"\n", Arch::kArm64, OsVerdict::kSupported,
       "Red Hat Enterprise Linux"},
      {"ID=\"rhel\"\nVERSION_ID=\"7.1\"\n", Arch::kX64, OsVerdict::kUnsupportedVersion,
       "Red Hat Enterprise Linux"},
      {"ID=\"centos\"\nNAME=\"CentOS Linux\"\nVERSION_ID=\"7\"\n", Arch::kX64,
       OsVerdict::kImpreciseVersion, "CentOS"},
      {"ID=\"centos\"\nNAME=\"CentOS Stream\"\nVERSION_ID=\"9\"\n", Arch::kArm64,
       OsVerdict::kSupported, "CentOS Stream"},
      {"ID=\"centos\"\nNAME=\"CentOS Linux\"\nVERSION_ID=\"8\"\n", Arch::kArm64,
       OsVerdict::kArchNotSupported, "CentOS"},
      {"ID=debian\nVERSION_ID=\"12\"\n", Arch::kX64, OsVerdict::kSupported, "Debian"},
      {"ID=debian\n", Arch::kX64, OsVerdict::kNoVersion, "Debian"},
      {"ID=\"sles\"\nVERSION_ID=\"15.5\"\n", Arch::kArm64, OsVerdict::kSupported,
       "SUSE Linux Enterprise Server"},
      {"ID=\"sles\"\nVERSION_ID=\"15.4\"\n", Arch::kArm64, OsVerdict::kUnsupportedVersion,
       "SUSE Linux Enterprise Server"},
      {"ID=\"amzn\"\nVERSION_ID=\"2\"\n", Arch::kX64, OsVerdict::kSupported, "Amazon Linux"},
      {"ID=\"amzn\"\nVERSION_ID=\"2018.03\"\n", Arch::kX64, OsVerdict::kUnsupportedVersion,
       "Amazon Linux"},
      {"ID=\"mariner\"\nVERSION_ID=\"2.0\"\n", Arch::kX64, OsVerdict::kSupported, "Mariner"},
      {"ID=fedora\nVERSION_ID=42\n", Arch::kX64, OsVerdict::kSupported, "Fedora"},
      {"ID=fedora\nVERSION_ID=43\n", Arch::kX64, OsVerdict::kUnsupportedVersion, "Fedora"},
      {"ID=\"rocky\"\nVERSION_ID=\"8.6\"\n", Arch::kX64, OsVerdict::kUnsupportedVersion,
       "Rocky Linux"},
      {"ID=\"almalinux\"\nVERSION_ID=\"9.2\"\n", Arch::kX64, OsVerdict::kSupported, "AlmaLinux"},
      {"ID=\"ol\"\nVERSION_ID=\"8.9\"\n", Arch::kX64, OsVerdict::kSupported, "Oracle Linux"},
      {"ID=ubuntu\nVERSION_ID=\"22.04\"\n", Arch::kOther, OsVerdict::kArchNotSupported,
       "Ubuntu LTS"},
      {"ID=linuxmint\nID_LIKE=\"ubuntu debian\"\nVERSION_ID=\"21.3\"\n", Arch::kX64,
       OsVerdict::kDerivative, "Ubuntu LTS"},
      {"ID=pop\nID_LIKE=\"ubuntu debian\"\nVERSION_ID=\"22.04\"\n", Arch::kX64,
       OsVerdict::kDerivative, "Ubuntu LTS"},
      {"ID=\"opensuse-leap\"\nID_LIKE=\"suse opensuse\"\nVERSION_ID=\"15.5\"\n", Arch::kX64,
       OsVerdict::kUnknownDistro, nullptr},
      {"ID=gentoo\n", Arch::kX64, OsVerdict::kUnknownDistro, nullptr},
      {"ID=x\nID_LIKE=\"   \"\n", Arch::kX64, OsVerdict::kUnknownDistro, nullptr},
  };
  for (const auto& c : cases) {
    const OsEvaluation eval = Eval(c.os_release, c.arch);
    EXPECT_EQ(eval.verdict, c.expected) << c.os_release;
    if (c.row == nullptr) {
      EXPECT_EQ(eval.entry, nullptr) << c.os_release;
    } else {
      ASSERT_NE(eval.entry, nullptr) << c.os_release;
      EXPECT_EQ(eval.entry->name, c.row) << c.os_release;
    }
  }
}

TEST_F(EvaluateOsTest, DerivativeNamesTheLikeId) {
  const OsEvaluation eval = Eval("ID=pop\nID_LIKE=\"foo ubuntu debian\"\n");
  EXPECT_EQ(eval.like_id, "ubuntu");
}

TEST(ParseLinuxSupport, RejectsBrokenData) {
  for (const char* text :
       {"", "[]", "{\"distros\": []}", "{\"minimum_kernel\": 1, \"distros\": []}",
        "{\"minimum_kernel\": \"3\", \"distros\": [{\"name\": 5}]}", "\xff"}) {
    EXPECT_FALSE(ParseLinuxSupport(text).Ok()) << text;
  }
}

TEST(ParseLinuxSupport, EmbeddedDataCarriesSourcesAndLists) {
  const auto& support = EmbeddedLinuxSupport();
  ASSERT_TRUE(support.Ok()) << support.Err().message;
  EXPECT_NE(support.Value().distros_source.find("mde-linux-prerequisites"), std::string::npos);
  EXPECT_EQ(support.Value().minimum_kernel, "3.10.0-327");
  EXPECT_EQ(support.Value().rtp_filesystems.count("xfs"), 1U);
  EXPECT_EQ(support.Value().pseudo_filesystems.count("proc"), 1U);
  EXPECT_FALSE(support.Value().ebpf_minimums.empty());
}

struct RedHatCase {
  std::string_view text;
  bool found;
  const char* id;
  const char* version;
};

TEST(ParseRedHatRelease, ReadsTheReleaseLine) {
  const RedHatCase cases[] = {
      {"Red Hat Enterprise Linux Server release 6.10 (Santiago)\n", true, "rhel", "6.10"},
      {"CentOS Linux release 7.9.2009 (Core)\n", true, "centos", "7.9.2009"},
      {"CentOS release 6.10 (Final)", true, "centos", "6.10"},
      {"CentOS Stream release 9", true, "centos", "9"},
      {"Rocky Linux release 8.7 (Green Obsidian)", true, "rocky", "8.7"},
      {"Fedora release 38 (Thirty Eight)", true, "fedora", "38"},
      {"Some Linux release 1.0", false, "", ""},
      {"Red Hat Enterprise Linux", false, "", ""},
      {"", false, "", ""},
      {std::string_view("\0\xff\n", 3), false, "", ""},
  };
  for (const auto& c : cases) {
    const OsRelease r = ParseRedHatRelease(c.text);
    EXPECT_EQ(r.found, c.found) << c.text;
    EXPECT_EQ(r.id, c.id) << c.text;
    EXPECT_EQ(r.version_id, c.version) << c.text;
    if (!r.found) {
      EXPECT_FALSE(r.error.empty());
    }
  }
}

}  // namespace
}  // namespace preflight

#include "probes/linux/kernel_config.h"

#include <gtest/gtest.h>

#include "probes/linux/gzip.h"
#include "probes/linux/kernel_support.h"
#include "tests/unit/gzip_for_test.h"

namespace preflight {
namespace {

constexpr std::size_t kOneMiB = std::size_t{1} << 20;

TEST(ParseKernelConfig, ReadsSetAndUnsetOptions) {
  const auto config = ParseKernelConfig(
      "#\n# Automatically generated file; DO NOT EDIT.\n#\n"
      "CONFIG_FANOTIFY=y\n"
      "# CONFIG_FANOTIFY_ACCESS_PERMISSIONS is not set\n"
      "CONFIG_EXT4_FS=m\n"
      "CONFIG_CC_VERSION_TEXT=\"gcc (GCC) 12.2.0\"\n"
      "CONFIG_NR_CPUS=8192\r\n"
      "  CONFIG_INDENTED=y  \n");
  EXPECT_EQ(config.at("CONFIG_FANOTIFY"), "y");
  EXPECT_EQ(config.at("CONFIG_FANOTIFY_ACCESS_PERMISSIONS"), "n");
  EXPECT_EQ(config.at("CONFIG_EXT4_FS"), "m");
  EXPECT_EQ(config.at("CONFIG_CC_VERSION_TEXT"), "\"gcc (GCC) 12.2.0\"");
  EXPECT_EQ(config.at("CONFIG_NR_CPUS"), "8192");
  EXPECT_EQ(config.at("CONFIG_INDENTED"), "y");
}

struct IgnoredCase {
  std::string_view text;
};

TEST(ParseKernelConfig, IgnoresGarbageTruncationAndBinary) {
  const IgnoredCase cases[] = {
      {""},
      {"\n\n\n"},
      {"# comment only\n"},
      {"FANOTIFY=y\n"},
      {"CONFIG_=y\n"},
      {"CONFIG_BAD-NAME=y\n"},
      {"# CONFIG_FANOTIFY is not\n"},
      {"# is not set\n"},
      {"#CONFIG_X is not set and more\n"},
      {"CONFIG_FANOTIFY"},
      {std::string_view("\0CONFIG_A=y\n", 12)},
      {"\xff\xfe\x00"},
  };
  for (const auto& c : cases) {
    EXPECT_TRUE(ParseKernelConfig(c.text).empty()) << c.text;
  }
  // A file cut short keeps what came before the cut.
  const auto truncated = ParseKernelConfig("CONFIG_A=y\nCONFIG_FANOT");
  EXPECT_EQ(truncated.size(), 1U);
  EXPECT_EQ(truncated.at("CONFIG_A"), "y");
  // "#CONFIG_X is not set" without the space is what some tools write; accept it too.
  EXPECT_EQ(ParseKernelConfig("#CONFIG_X is not set\n").at("CONFIG_X"), "n");
}

TEST(GunzipBounded, RoundTripsAndBoundsOutput) {
  const std::string text = "CONFIG_FANOTIFY=y\n" + std::string(100000, 'x');
  const std::string gz = testing::GzipForTest(text);
  ASSERT_FALSE(gz.empty());
  auto out = GunzipBounded(gz, kOneMiB);
  ASSERT_TRUE(out.Ok()) << out.Err().message;
  EXPECT_EQ(out.Value(), text);

  auto capped = GunzipBounded(gz, 1000);
  ASSERT_FALSE(capped.Ok());
  EXPECT_EQ(capped.Err().kind, ErrorKind::kTooLarge);
}

TEST(GunzipBounded, RejectsTruncatedCorruptAndNonGzip) {
  const std::string gz = testing::GzipForTest("CONFIG_FANOTIFY=y\nCONFIG_X=y\n");
  ASSERT_GT(gz.size(), 20U);
  std::string corrupt = gz;
  corrupt[12] = static_cast<char>(corrupt[12] ^ 0x55);
  for (const std::string& input : {gz.substr(0, gz.size() / 2), gz.substr(0, 3), corrupt,
                                   std::string("CONFIG_FANOTIFY=y\n"), std::string()}) {
    auto out = GunzipBounded(input, kOneMiB);
    EXPECT_FALSE(out.Ok());
    if (!out.Ok()) {
      EXPECT_EQ(out.Err().kind, ErrorKind::kInvalid) << out.Err().message;
    }
  }
}

class EbpfTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(EmbeddedLinuxSupport().Ok()); }
  const LinuxSupport& Support() { return EmbeddedLinuxSupport().Value(); }
};

struct EbpfCase {
  const char* id;
  const char* version;
  const char* kernel;
  bool supported;
  const char* minimum;
};

TEST_F(EbpfTest, UsesTheDistributionRowOrTheInstallerRule) {
  const EbpfCase cases[] = {
      {"ubuntu", "22.04", "5.15.0-1057-azure", true, "4.15.0"},
      {"ubuntu", "16.04", "4.4.0-210-generic", false, "4.15.0"},
      {"rhel", "7.9", "3.10.0-1160.el7.x86_64", true, "3.10.0-957.10"},
      {"rhel", "7.5", "3.10.0-862.el7.x86_64", false, "3.10.0-957.10"},
      {"ol", "7.9", "5.4.17-2136.307.3.1.el7uek.x86_64", true, "5.4"},
      {"ol", "7.9", "4.14.35-2047.el7uek.x86_64", false, "5.4"},
      {"ol", "7.9", "3.10.0-1160.el7.x86_64", true, "3.10.0-1160"},
      {"amzn", "2", "4.14.336-257.562.amzn2.x86_64", false, "5.4.261-174.360"},
      {"amzn", "2023", "6.1.72-96.166.amzn2023.x86_64", true, "4.15"},
      {"rocky", "8.7", "4.18.0-425.3.1.el8.x86_64", true, "4.18.0-425"},
      {"rocky", "9.2", "5.14.0-284.11.1.el9_2.x86_64", true, "5.14.0-284"},
      {"almalinux", "8.4", "4.18.0-240.el8.x86_64", false, "4.18.0-305"},
      {"gentoo", "2.15", "3.10.0-514", false, "3.10.0-957.10"},
      {"", "", "6.8.0", true, "4.15"},
  };
  for (const auto& c : cases) {
    const EbpfVerdict v = EvaluateEbpf(Support(), c.id, c.version, c.kernel);
    EXPECT_EQ(v.supported, c.supported) << c.id << " " << c.kernel;
    EXPECT_EQ(v.minimum, c.minimum) << c.id << " " << c.kernel;
    EXPECT_FALSE(v.basis.empty());
  }
}

TEST_F(EbpfTest, FlagsTheKnownHangingKernel) {
  EXPECT_FALSE(
      EvaluateEbpf(Support(), "ol", "8.8", "5.15.0-0.30.20.el8uek.x86_64").hang_note.empty());
  EXPECT_TRUE(
      EvaluateEbpf(Support(), "ol", "8.8", "5.15.0-0.30.21.el8uek.x86_64").hang_note.empty());
  EXPECT_TRUE(EvaluateEbpf(Support(), "rhel", "8.8", "5.15.0-0.30.20").hang_note.empty());
}

TEST(SafeKernelRelease, RejectsPathTricks) {
  EXPECT_TRUE(SafeKernelRelease("5.15.0-1057-azure"));
  EXPECT_FALSE(SafeKernelRelease(""));
  EXPECT_FALSE(SafeKernelRelease(".."));
  EXPECT_FALSE(SafeKernelRelease("../../etc/shadow"));
  EXPECT_FALSE(SafeKernelRelease("a\nb"));
  EXPECT_FALSE(SafeKernelRelease(std::string(65, 'a')));
}

}  // namespace
}  // namespace preflight

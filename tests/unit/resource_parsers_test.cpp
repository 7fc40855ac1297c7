#include "probes/linux/resource_parsers.h"

#include <gtest/gtest.h>

namespace preflight {
namespace {

TEST(MeminfoKib, ReadsKeyedValues) {
  const std::string_view text =
      "MemTotal:       16303496 kB\nMemFree:         1234 kB\nHugePages_Total:       0\n";
  EXPECT_EQ(MeminfoKib(text, "MemTotal"), 16303496U);
  EXPECT_EQ(MeminfoKib(text, "MemFree"), 1234U);
  EXPECT_EQ(MeminfoKib(text, "HugePages_Total"), 0U);
  EXPECT_EQ(MeminfoKib(text, "Mem"), std::nullopt);
}

struct MeminfoCase {
  std::string_view text;
  std::optional<std::uint64_t> expected;
};

TEST(MeminfoKib, ToleratesGarbage) {
  const MeminfoCase cases[] = {
      {"", std::nullopt},
      {"MemTotal:", std::nullopt},
      {"MemTotal: kB", std::nullopt},
      {"MemTotal: -5 kB", std::nullopt},
      {"MemTotal: 12abc kB", std::nullopt},
      {"MemTotal 1024 kB", std::nullopt},
      {"MemTotal:\t1024", 1024U},
      {"MemTotal: 1024 kB\r\n", 1024U},
      {"MemTotal: 99999999999999999999999 kB", UINT64_MAX},
      {std::string_view("MemTotal: 10\0 kB", 16), std::nullopt},
      {"\xff\xfe:\x01", std::nullopt},
      {"MemTot", std::nullopt},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(MeminfoKib(c.text, "MemTotal"), c.expected) << c.text;
  }
}

struct CpuListCase {
  std::string_view text;
  std::optional<std::uint64_t> expected;
};

TEST(CountCpuList, CountsRangesAndSingles) {
  const CpuListCase cases[] = {
      {"0\n", 1U},
      {"0-3\n", 4U},
      {"0-3,5\n", 5U},
      {"0,2,4-7", 6U},
      {"0-127", 128U},
      {"", std::nullopt},
      {"\n", std::nullopt},
      {"3-1", std::nullopt},
      {"0-", std::nullopt},
      {"-3", std::nullopt},
      {"0,,1", std::nullopt},
      {"0-3,", std::nullopt},
      {"a-b", std::nullopt},
      {"0 - 3", std::nullopt},
      {"0-18446744073709551615", UINT64_MAX},
      {"0-18446744073709551615,1-5", UINT64_MAX},
      // Found by cpu_list_fuzz: a single CPU after a saturated range must not wrap to 0.
      {"0-0,0,0-088888888888888888888888,0-0,88888888888888", UINT64_MAX},
      {"\xff", std::nullopt},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(CountCpuList(c.text), c.expected) << c.text;
  }
}

TEST(CountCpuinfoProcessors, CountsProcessorLines) {
  EXPECT_EQ(CountCpuinfoProcessors("processor\t: 0\nvendor_id\t: GenuineIntel\n\n"
                                   "processor\t: 1\nvendor_id\t: GenuineIntel\n"),
            2U);
  EXPECT_EQ(CountCpuinfoProcessors("processor: 0\nprocessor : x\nprocessors\t: 1\n"), 1U);
  EXPECT_EQ(CountCpuinfoProcessors(""), 0U);
  EXPECT_EQ(CountCpuinfoProcessors("processor\t: 0"), 1U);  // truncated, no newline
  EXPECT_EQ(CountCpuinfoProcessors(std::string_view("\0processor\t: 0\n", 15)), 0U);
}

struct GlibcCase {
  std::string_view bytes;
  std::optional<std::string> expected;
};

TEST(GlibcVersionFromBinary, FindsTheBanner) {
  const GlibcCase cases[] = {
      {"\x7f"
       "ELF...GNU C Library (Debian GLIBC 2.36-9+deb12u4) stable release version 2.36.\n"
       "Copyright",
       "2.36"},
      {"GNU C Library (GNU libc) stable release version 2.17, by Roland McGrath et al.", "2.17"},
      {"GNU C Library (Ubuntu GLIBC 2.35-0ubuntu3.6) stable release version 2.35.", "2.35"},
      {"GNU C Library\nversion 2.36", std::nullopt},
      {"GNU C Library (x) version ", std::nullopt},
      {"GNU C Library (x) version .5", std::nullopt},
      {"GNU C Library (x) version 2", std::nullopt},
      {"GNU C Library GNU C Library (x) stable release version 2.28.", "2.28"},
      {"version 2.36", std::nullopt},
      {"", std::nullopt},
      {std::string_view("\0\0\0GNU C Library (y) release version 2.31.\0", 43), "2.31"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(GlibcVersionFromBinary(c.bytes), c.expected) << c.bytes;
  }
}

TEST(GlibcVersionFromFileName, ReadsOldStyleNames) {
  EXPECT_EQ(GlibcVersionFromFileName("libc-2.17.so"), "2.17");
  EXPECT_EQ(GlibcVersionFromFileName("libc-2.31.so"), "2.31");
  EXPECT_EQ(GlibcVersionFromFileName("libc.so.6"), std::nullopt);
  EXPECT_EQ(GlibcVersionFromFileName("libc-.so"), std::nullopt);
  EXPECT_EQ(GlibcVersionFromFileName("libc-2.so"), std::nullopt);
  EXPECT_EQ(GlibcVersionFromFileName("libc-2.17a.so"), std::nullopt);
  EXPECT_EQ(GlibcVersionFromFileName("libcrypt-2.17.so"), std::nullopt);
  EXPECT_EQ(GlibcVersionFromFileName("libc-2.17.so.bak"), std::nullopt);
}

}  // namespace
}  // namespace preflight

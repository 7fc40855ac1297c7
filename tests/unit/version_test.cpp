#include "probes/common/version.h"

#include <gtest/gtest.h>

#include <string>

namespace preflight {
namespace {

struct ComponentsCase {
  std::string_view input;
  std::vector<std::uint64_t> expected;
};

TEST(VersionComponents, ReadsLeadingNumericComponents) {
  const ComponentsCase cases[] = {
      {"3.10.0-1160.el7.x86_64", {3, 10, 0, 1160}},
      {"3.10.0-327", {3, 10, 0, 327}},
      {"5.15.0-1057-azure", {5, 15, 0, 1057}},
      {"5.14.21-150500.55.39-default", {5, 14, 21, 150500, 55, 39}},
      {"6.1.0-18-amd64", {6, 1, 0, 18}},
      {"15.5", {15, 5}},
      {"22.04", {22, 4}},
      {"2023", {2023}},
      {"1160el7", {1160}},
      {"  7.9", {7, 9}},
      {"6.1.0_rc3", {6, 1, 0}},
      {"2.36+deb12u4", {2, 36}},
      {"", {}},
      {"el7", {}},
      {"v1.2", {}},
      {"1..2", {1}},
      {"1.", {1}},
      {std::string_view("4\0.5", 4), {4}},
      {"\xff\xfe", {}},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(VersionComponents(c.input), c.expected) << c.input;
  }
}

TEST(VersionComponents, SaturatesAndBoundsHostileInput) {
  EXPECT_EQ(VersionComponents("99999999999999999999999999.1"),
            (std::vector<std::uint64_t>{UINT64_MAX, 1}));
  std::string many;
  for (int i = 0; i < 100; ++i) many += "1.";
  EXPECT_EQ(VersionComponents(many).size(), kMaxVersionComponents);
}

struct CompareCase {
  std::string_view a;
  std::string_view b;
  int sign;
};

TEST(CompareVersions, OrdersNumericallyAndToleratesSuffixes) {
  const CompareCase cases[] = {
      {"3.10.0-327", "3.10.0-1160.el7.x86_64", -1},
      {"3.10.0-1160.el7.x86_64", "3.10.0-327", 1},
      {"2.6.32-754.el6.x86_64", "3.10.0-327", -1},
      {"3.10.0", "3.10.0-327", -1},
      {"4.18.0-425", "4.18.0-425.0", 0},
      {"4.18.0-425.3.1.el8", "4.18.0-425", 1},
      {"3.10.0-957.10.1.el7", "3.10.0-957.10", 1},
      {"3.10.0-957.5.1.el7", "3.10.0-957.10", -1},
      {"5.15.0-1057-azure", "4.15.0", 1},
      {"2.17", "2.17", 0},
      {"2.9", "2.17", -1},
      {"2.36", "2.17", 1},
      {"garbage", "0", 0},
      {"", "1", -1},
  };
  for (const auto& c : cases) {
    const int result = CompareVersions(c.a, c.b);
    const int sign = result < 0 ? -1 : (result > 0 ? 1 : 0);
    EXPECT_EQ(sign, c.sign) << c.a << " vs " << c.b;
  }
}

TEST(VersionPrefix, TruncatesToCount) {
  EXPECT_EQ(VersionPrefix("9.4", 1), (std::vector<std::uint64_t>{9}));
  EXPECT_EQ(VersionPrefix("7", 2), (std::vector<std::uint64_t>{7}));
}

}  // namespace
}  // namespace preflight

#include "probes/common/os_release.h"

#include <gtest/gtest.h>

namespace preflight {
namespace {

TEST(ParseOsRelease, ReadsQuotedAndBareValues) {
  const OsRelease r = ParseOsRelease(
      "PRETTY_NAME=\"Ubuntu 22.04.4 LTS\"\nNAME='Ubuntu'\nVERSION_ID=\"22.04\"\nID=ubuntu\n"
      "ID_LIKE=debian\n");
  EXPECT_TRUE(r.found);
  EXPECT_EQ(r.id, "ubuntu");
  EXPECT_EQ(r.id_like, "debian");
  EXPECT_EQ(r.version_id, "22.04");
  EXPECT_EQ(r.pretty_name, "Ubuntu 22.04.4 LTS");
  EXPECT_EQ(r.name, "Ubuntu");
}

TEST(ParseOsRelease, HandlesEscapesCommentsAndGarbage) {
  const OsRelease r = ParseOsRelease(
      "# comment\n\n  ID=rhel  \nbogus line\nlower=ignored\nPRETTY_NAME=\"Red \\\"Hat\\\" \\\\ "
      "x\"\n"
      "=novalue\nVERSION_ID=\"9.4\"");
  EXPECT_TRUE(r.found);
  EXPECT_EQ(r.id, "rhel");
  EXPECT_EQ(r.version_id, "9.4");
  EXPECT_EQ(r.pretty_name, "Red \"Hat\" \\ x");
  EXPECT_EQ(r.fields.count("lower"), 0U);
}

TEST(ParseOsRelease, EmptyOrBinaryInputIsNotFound) {
  for (const std::string_view text :
       {std::string_view(""), std::string_view("\0\0\xff", 3), std::string_view("NAME=Foo\n")}) {
    const OsRelease r = ParseOsRelease(text);
    EXPECT_FALSE(r.found);
    EXPECT_FALSE(r.error.empty());
  }
}

}  // namespace
}  // namespace preflight

#include <gtest/gtest.h>

#include "platform/atomic_file.h"
#include "platform/file_system.h"
#include "tests/windows/windows_test_support.h"

namespace preflight::testing {
namespace {

TEST(WindowsAtomicFile, WritesAndReplacesLeavingNoTemporaryFile) {
  TempDir dir;
  const std::string path = dir.path() + "\\report.json";
  ASSERT_TRUE(WriteFileAtomic(path, "first").Ok());
  ASSERT_TRUE(WriteFileAtomic(path, "second, longer").Ok());
  const auto fs = MakeFileSystem(dir.path());
  EXPECT_EQ(fs->ReadFile("/report.json", 100).Value(), "second, longer");
  const auto listing = fs->ListDir("/", 10);
  ASSERT_TRUE(listing.Ok());
  ASSERT_EQ(listing.Value().entries.size(), 1U);
  EXPECT_EQ(listing.Value().entries[0].name, "report.json");
}

TEST(WindowsAtomicFile, AcceptsForwardSlashesAndUtf8Names) {
  TempDir dir;
  const std::string path = dir.path() + "/r\xC3\xA9port.json";
  ASSERT_TRUE(WriteFileAtomic(path, "{}").Ok());
  EXPECT_EQ(MakeFileSystem(dir.path())->ReadFile("/r\xC3\xA9port.json", 10).Value(), "{}");
}

TEST(WindowsAtomicFile, AMissingDirectoryIsNotFound) {
  TempDir dir;
  const auto result = WriteFileAtomic(dir.path() + "\\no\\such\\report.json", "x");
  ASSERT_FALSE(result.Ok());
  EXPECT_EQ(result.Err().kind, ErrorKind::kNotFound);
  EXPECT_NE(result.Err().message.find("report.json"), std::string::npos);
}

TEST(WindowsAtomicFile, ATargetThatIsADirectoryFailsAndLeavesNothingBehind) {
  TempDir dir;
  dir.MakeDir("report.json");
  EXPECT_FALSE(WriteFileAtomic(dir.path() + "\\report.json", "x").Ok());
  const auto listing = MakeFileSystem(dir.path())->ListDir("/", 10);
  ASSERT_TRUE(listing.Ok());
  EXPECT_EQ(listing.Value().entries.size(), 1U);
}

}  // namespace
}  // namespace preflight::testing

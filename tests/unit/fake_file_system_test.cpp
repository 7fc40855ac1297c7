#include <gtest/gtest.h>

#include "tests/fakes/fake_platform.h"

namespace preflight::testing {
namespace {

TEST(FakeFileSystem, ListsImpliedDirectoriesAndBoundsReads) {
  FakeFileSystem fs;
  fs.AddFile("/proc/1/comm", "init\n");
  fs.AddLink("/proc/1/fd/3", "anon_inode:[fanotify]");
  const auto proc = fs.ListDir("/proc", 10);
  ASSERT_TRUE(proc.Ok());
  ASSERT_EQ(proc.Value().entries.size(), 1U);
  EXPECT_EQ(proc.Value().entries[0].type, FileType::kDirectory);
  EXPECT_EQ(fs.ReadFile("/proc/1/comm", 2).Err().kind, ErrorKind::kTooLarge);
  EXPECT_EQ(fs.ReadLink("/proc/1/fd/3").Value(), "anon_inode:[fanotify]");
  EXPECT_EQ(fs.ReadFile("/nope", 10).Err().kind, ErrorKind::kNotFound);
}

}  // namespace
}  // namespace preflight::testing

#include <gtest/gtest.h>

#include <algorithm>
#include <ctime>

#include "platform/file_system.h"
#include "tests/windows/windows_test_support.h"

namespace preflight::testing {
namespace {

bool HasEntry(const DirListing& listing, const std::string& name, FileType type) {
  return std::any_of(listing.entries.begin(), listing.entries.end(),
                     [&](const DirEntry& e) { return e.name == name && e.type == type; });
}

TEST(WindowsFileSystem, MapsTreePathsBelowTheRoot) {
  TempDir dir;
  dir.MakeDir("Windows");
  dir.MakeDir("Windows\\System32");
  dir.WriteFile("Windows\\System32\\version.txt", "10.0.20348\n");
  const auto fs = MakeFileSystem(dir.path());
  EXPECT_FALSE(fs->IsLiveRoot());
  EXPECT_EQ(fs->HostPath("/Windows/System32/version.txt"),
            dir.path() + "\\Windows\\System32\\version.txt");
  EXPECT_EQ(fs->HostPath("/"), dir.path() + "\\");
  EXPECT_EQ(fs->ReadFile("/Windows/System32/version.txt", 100).Value(), "10.0.20348\n");
  // A trailing separator on the root changes nothing.
  EXPECT_EQ(
      MakeFileSystem(dir.path() + "\\")->ReadFile("/Windows/System32/version.txt", 100).Value(),
      "10.0.20348\n");
  // Windows paths cannot be mapped below another root.
  const auto windows_path = fs->ReadFile("C:\\Windows\\win.ini", 100);
  ASSERT_FALSE(windows_path.Ok());
  EXPECT_EQ(windows_path.Err().kind, ErrorKind::kInvalid);
}

TEST(WindowsFileSystem, LiveRootIsTheSystemDriveAndTakesWindowsPaths) {
  const auto fs = MakeFileSystem("/");
  EXPECT_TRUE(fs->IsLiveRoot());
  const std::string system = SystemDirectory();  // "C:\windows\system32"
  const std::string drive = system.substr(0, 2);
  EXPECT_EQ(fs->HostPath("/Windows/System32"), drive + "\\Windows\\System32");
  const auto tree = fs->Stat("/Windows/System32");
  ASSERT_TRUE(tree.Ok()) << tree.Err().message;
  EXPECT_EQ(tree.Value().type, FileType::kDirectory);
  const auto native = fs->Stat(system);
  ASSERT_TRUE(native.Ok()) << native.Err().message;
  EXPECT_EQ(native.Value().type, FileType::kDirectory);
  TempDir dir;
  dir.WriteFile("config.json", "{}");
  EXPECT_EQ(fs->ReadFile(dir.path() + "\\config.json", 10).Value(), "{}");
}

TEST(WindowsFileSystem, ReadsAreBounded) {
  TempDir dir;
  dir.WriteFile("log.txt", "line1\nline2\nline3\n");
  const auto fs = MakeFileSystem(dir.path());
  const auto too_large = fs->ReadFile("/log.txt", 5);
  ASSERT_FALSE(too_large.Ok());
  EXPECT_EQ(too_large.Err().kind, ErrorKind::kTooLarge);
  EXPECT_EQ(fs->ReadFile("/log.txt", 18).Value(), "line1\nline2\nline3\n");
  EXPECT_EQ(fs->ReadTail("/log.txt", 6).Value(), "line3\n");
  EXPECT_EQ(fs->ReadTail("/log.txt", 1000).Value(), "line1\nline2\nline3\n");
  dir.WriteFile("empty", "");
  EXPECT_EQ(fs->ReadFile("/empty", 0).Value(), "");
  // A file bigger than one read chunk, read whole and by its tail.
  std::string big(200 * 1024, 'a');
  big.back() = 'z';
  dir.WriteFile("big.bin", big);
  EXPECT_EQ(fs->ReadFile("/big.bin", big.size()).Value(), big);
  EXPECT_EQ(fs->ReadTail("/big.bin", 3).Value(), "aaz");
}

TEST(WindowsFileSystem, ErrorsSayWhatWentWrong) {
  TempDir dir;
  dir.MakeDir("sub");
  const auto fs = MakeFileSystem(dir.path());
  const auto missing = fs->ReadFile("/nope.txt", 10);
  ASSERT_FALSE(missing.Ok());
  EXPECT_EQ(missing.Err().kind, ErrorKind::kNotFound);
  EXPECT_NE(missing.Err().message.find(dir.path() + "\\nope.txt"), std::string::npos);
  EXPECT_EQ(fs->ReadFile("/no/such/dir/x", 10).Err().kind, ErrorKind::kNotFound);
  EXPECT_EQ(fs->ReadFile("/sub", 10).Err().kind, ErrorKind::kInvalid);
  EXPECT_EQ(fs->Stat("/nope").Err().kind, ErrorKind::kNotFound);
  EXPECT_FALSE(fs->Exists("/nope"));
  EXPECT_EQ(fs->ListDir("/nope", 10).Err().kind, ErrorKind::kNotFound);
  EXPECT_EQ(fs->ReadFile("/bad\xFFname", 10).Err().kind, ErrorKind::kInvalid);
}

TEST(WindowsFileSystem, ListsBoundedWithTypes) {
  TempDir dir;
  dir.MakeDir("Packages");
  dir.MakeDir("Packages\\Plugins");
  dir.WriteFile("Packages\\a.status", "[]");
  dir.WriteFile("Packages\\b.status", "[]");
  const auto fs = MakeFileSystem(dir.path());
  const auto all = fs->ListDir("/Packages", 10);
  ASSERT_TRUE(all.Ok()) << all.Err().message;
  EXPECT_EQ(all.Value().entries.size(), 3U);
  EXPECT_FALSE(all.Value().truncated);
  EXPECT_TRUE(HasEntry(all.Value(), "Plugins", FileType::kDirectory));
  EXPECT_TRUE(HasEntry(all.Value(), "a.status", FileType::kRegular));
  const auto two = fs->ListDir("/Packages", 2);
  EXPECT_EQ(two.Value().entries.size(), 2U);
  EXPECT_TRUE(two.Value().truncated);
  const auto empty = fs->ListDir("/Packages/Plugins", 10);
  ASSERT_TRUE(empty.Ok());
  EXPECT_TRUE(empty.Value().entries.empty());
}

TEST(WindowsFileSystem, NamesAreUtf8InAndOut) {
  TempDir dir;
  const std::string name = "caf\xC3\xA9-\xE6\x97\xA5\xE6\x9C\xAC.txt";
  dir.WriteFile(name, "x");
  const auto fs = MakeFileSystem(dir.path());
  EXPECT_EQ(fs->ReadFile("/" + name, 1).Value(), "x");
  const auto listing = fs->ListDir("/", 10);
  ASSERT_TRUE(listing.Ok());
  EXPECT_TRUE(HasEntry(listing.Value(), name, FileType::kRegular));
}

TEST(WindowsFileSystem, StatAndSpace) {
  TempDir dir;
  dir.WriteFile("f.txt", "12345");
  const auto fs = MakeFileSystem(dir.path());
  const auto info = fs->Stat("/f.txt");
  ASSERT_TRUE(info.Ok());
  EXPECT_EQ(info.Value().type, FileType::kRegular);
  EXPECT_EQ(info.Value().size, 5U);
  EXPECT_EQ(info.Value().mode, 0U);
  // Written just now: the FILETIME conversion lands within a day of the clock.
  const std::int64_t now = static_cast<std::int64_t>(std::time(nullptr));
  EXPECT_LT(std::llabs(info.Value().mtime_unix - now), 86400);
  for (const char* path : {"/", "/f.txt"}) {
    const auto space = fs->Space(path);
    ASSERT_TRUE(space.Ok()) << path << ": " << space.Err().message;
    EXPECT_GT(space.Value().capacity_bytes, 0U);
    EXPECT_LE(space.Value().available_bytes, space.Value().capacity_bytes);
  }
  EXPECT_EQ(fs->Space("/nope").Err().kind, ErrorKind::kNotFound);
}

TEST(WindowsFileSystem, LongPathsWork) {
  TempDir dir;
  std::string relative;
  // Well past MAX_PATH (260), which only the \\?\ form allows.
  for (int i = 0; i < 6; ++i) {
    relative += (relative.empty() ? "" : "\\") + std::string(50, static_cast<char>('a' + i));
    dir.MakeDir(relative);
  }
  dir.WriteFile(relative + "\\deep.txt", "deep");
  const auto fs = MakeFileSystem(dir.path());
  std::string tree = "/" + relative + "/deep.txt";
  std::replace(tree.begin(), tree.end(), '\\', '/');
  ASSERT_GT(fs->HostPath(tree).size(), 300U);
  EXPECT_EQ(fs->ReadFile(tree, 10).Value(), "deep");
}

TEST(WindowsFileSystem, ReadLinkOfAFileIsInvalidAndOfALinkIsItsTarget) {
  TempDir dir;
  dir.WriteFile("target.txt", "t");
  const auto fs = MakeFileSystem(dir.path());
  const auto not_link = fs->ReadLink("/target.txt");
  ASSERT_FALSE(not_link.Ok());
  EXPECT_EQ(not_link.Err().kind, ErrorKind::kInvalid) << not_link.Err().message;
  const std::wstring link = W(dir.path() + "\\link.txt");
  const std::wstring target = W(dir.path() + "\\target.txt");
  // Wine 8's CreateSymbolicLinkW is a stub that reports success and creates nothing.
  if (!::CreateSymbolicLinkW(link.c_str(), target.c_str(),
                             SYMBOLIC_LINK_FLAG_ALLOW_UNPRIVILEGED_CREATE) ||
      ::GetFileAttributesW(link.c_str()) == INVALID_FILE_ATTRIBUTES) {
    GTEST_SKIP() << "this system cannot create symbolic links; the reparse data parser is "
                    "tested in the unit tests";
  }
  const auto link_target = fs->ReadLink("/link.txt");
  ASSERT_TRUE(link_target.Ok()) << link_target.Err().message;
  EXPECT_EQ(link_target.Value(), dir.path() + "\\target.txt");
  const auto listing = fs->ListDir("/", 10);
  ASSERT_TRUE(listing.Ok());
  EXPECT_TRUE(HasEntry(listing.Value(), "link.txt", FileType::kSymlink));
  EXPECT_EQ(fs->ReadFile("/link.txt", 10).Value(), "t");
}

}  // namespace
}  // namespace preflight::testing

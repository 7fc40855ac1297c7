#pragma once

// Helpers for tests of the host checks over fixture trees in tests/data/hostchecks/<case>/.

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <string>

#include "platform/file_system.h"
#include "tests/fakes/fake_platform.h"

namespace preflight::testing {

inline std::string HostchecksCase(const std::string& name) {
  return std::string(PREFLIGHT_TEST_DATA) + "/hostchecks/" + name;
}

// The MDE state fixtures live in their own folder: tests/data/mde/<case>/.
inline std::string MdeCase(const std::string& name) {
  return std::string(PREFLIGHT_TEST_DATA) + "/mde/" + name;
}

inline bool Has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// One row of a fixture table: the case, the status the check must give, and a part of its summary.
struct FixtureCase {
  const char* name;
  Status status;
  const char* summary_part;
};

// A writable copy of a fixture case (or an empty tree) in a fresh temporary directory, for tests
// that add symlinks or generated files; the committed fixtures stay untouched. Removed at the end.
class TempTree {
 public:
  explicit TempTree(const std::string& case_name = {}) {
    std::random_device random;
    root_ = std::filesystem::temp_directory_path() /
            ("preflight-hostchecks-" + std::to_string(random()) + "-" + std::to_string(random()));
    std::filesystem::create_directories(root_);
    if (!case_name.empty()) {
      std::filesystem::copy(HostchecksCase(case_name), root_,
                            std::filesystem::copy_options::recursive);
    }
  }
  ~TempTree() {
    std::error_code ignored;
    std::filesystem::remove_all(root_, ignored);
  }
  TempTree(const TempTree&) = delete;
  TempTree& operator=(const TempTree&) = delete;

  std::string root() const { return root_.string(); }
  void Write(const std::string& relative, const std::string& content) const {
    const auto path = root_ / relative;
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << content;
  }
  void Symlink(const std::string& relative, const std::string& target) const {
    const auto path = root_ / relative;
    std::filesystem::create_directories(path.parent_path());
    std::filesystem::create_symlink(target, path);
  }

 private:
  std::filesystem::path root_;
};

// The real file system over a tree, everything else faked.
struct TreeWorld : FakePlatform {
  explicit TreeWorld(const std::string& root) : fs(MakeFileSystem(root)) {}
  using FakePlatform::Parts;
  std::unique_ptr<FileSystem> fs;
  ContextParts Parts(bool live = false) { return FakePlatform::Parts(*fs, live); }
  Context Ctx(bool live = false) { return MakeContext(Parts(live)); }
};

// A file system that answers Space() with a set value and delegates everything else, so that the
// disk logic can run over a real fixture tree without depending on the build machine's disk.
class SpaceOverrideFileSystem final : public FileSystem {
 public:
  SpaceOverrideFileSystem(const FileSystem& inner, Result<SpaceInfo> space)
      : inner_(inner), space_(std::move(space)) {}
  Result<std::string> ReadFile(const std::string& path, std::size_t max) const override {
    return inner_.ReadFile(path, max);
  }
  Result<std::string> ReadTail(const std::string& path, std::size_t max) const override {
    return inner_.ReadTail(path, max);
  }
  Result<std::string> ReadLink(const std::string& path) const override {
    return inner_.ReadLink(path);
  }
  Result<DirListing> ListDir(const std::string& path, std::size_t max) const override {
    return inner_.ListDir(path, max);
  }
  Result<FileInfo> Stat(const std::string& path) const override { return inner_.Stat(path); }
  Result<SpaceInfo> Space(const std::string& path) const override {
    last_space_path = path;
    return space_;
  }
  std::string HostPath(const std::string& path) const override { return inner_.HostPath(path); }
  bool IsLiveRoot() const override { return inner_.IsLiveRoot(); }

  mutable std::string last_space_path;

 private:
  const FileSystem& inner_;
  Result<SpaceInfo> space_;
};

// Runs one check offline (as with --root) over a tree, everything but the file system faked.
template <typename CheckT>
CheckResult RunCheckOn(const std::string& root) {
  TreeWorld world(root);
  return CheckT().Run(world.Ctx(/*live=*/false));
}

}  // namespace preflight::testing

#pragma once

// A private copy of a fixture tree under tests/data, with the symlinks listed in its links.txt
// created at run time (Windows checkouts cannot hold them; STYLE.md convention 11). Removed again
// when the object goes out of scope.

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>

namespace preflight::testing {

class FixtureTree {
 public:
  explicit FixtureTree(const std::string& name) {
    namespace fs = std::filesystem;
    std::string pattern = (fs::temp_directory_path() / "preflight-fixture-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) return;
    root_ = pattern;
    const fs::path source = fs::path(PREFLIGHT_TEST_DATA) / name;
    fs::copy(source, root_, fs::copy_options::recursive, error_);
    if (error_) return;
    std::ifstream links(root_ / "links.txt");
    std::string line;
    while (std::getline(links, line)) {
      if (line.empty() || line.front() == '#') continue;
      const std::size_t tab = line.find('\t');
      if (tab == std::string::npos) continue;
      const fs::path link = root_ / line.substr(0, tab);
      fs::create_directories(link.parent_path(), error_);
      fs::create_symlink(line.substr(tab + 1), link, error_);
      if (error_) return;
    }
    fs::remove(root_ / "links.txt", error_);
  }
  ~FixtureTree() {
    std::error_code ignored;
    if (!root_.empty()) std::filesystem::remove_all(root_, ignored);
  }
  FixtureTree(const FixtureTree&) = delete;
  FixtureTree& operator=(const FixtureTree&) = delete;

  bool Ok() const { return !root_.empty() && !error_; }
  std::string Error() const { return error_ ? error_.message() : std::string("no temp dir"); }
  std::string Root() const { return root_.string(); }

 private:
  std::filesystem::path root_;
  std::error_code error_;
};

}  // namespace preflight::testing

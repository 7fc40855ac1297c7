#include "tests/fakes/fake_platform.h"

namespace preflight::testing {

bool FakeFileSystem::IsDir(const std::string& path) const {
  if (dirs_.count(path) != 0) return true;
  const std::string prefix = path == "/" ? "/" : path + "/";
  for (const auto& [name, _] : files_) {
    if (name.rfind(prefix, 0) == 0) return true;
  }
  for (const auto& [name, _] : links_) {
    if (name.rfind(prefix, 0) == 0) return true;
  }
  for (const auto& [name, _] : dirs_) {
    if (name.rfind(prefix, 0) == 0) return true;
  }
  return false;
}

Result<std::string> FakeFileSystem::ReadFile(const std::string& path, std::size_t max_bytes) const {
  const auto it = files_.find(path);
  if (it == files_.end()) return MakeError(ErrorKind::kNotFound, "no such file " + path);
  if (it->second.size() > max_bytes) return MakeError(ErrorKind::kTooLarge, path + " too large");
  return it->second;
}

Result<std::string> FakeFileSystem::ReadTail(const std::string& path, std::size_t max_bytes) const {
  const auto it = files_.find(path);
  if (it == files_.end()) return MakeError(ErrorKind::kNotFound, "no such file " + path);
  if (it->second.size() <= max_bytes) return it->second;
  return it->second.substr(it->second.size() - max_bytes);
}

Result<std::string> FakeFileSystem::ReadLink(const std::string& path) const {
  const auto it = links_.find(path);
  if (it == links_.end()) return MakeError(ErrorKind::kNotFound, "no such link " + path);
  return it->second;
}

Result<DirListing> FakeFileSystem::ListDir(const std::string& path, std::size_t max_entries) const {
  if (!IsDir(path)) return MakeError(ErrorKind::kNotFound, "no such directory " + path);
  const std::string prefix = path == "/" ? "/" : path + "/";
  std::map<std::string, FileType> children;
  const auto add = [&](const std::string& name, FileType leaf_type) {
    if (name.rfind(prefix, 0) != 0) return;
    const std::string rest = name.substr(prefix.size());
    if (rest.empty()) return;
    const std::size_t slash = rest.find('/');
    if (slash == std::string::npos) {
      children.emplace(rest, leaf_type);
    } else {
      children[rest.substr(0, slash)] = FileType::kDirectory;
    }
  };
  for (const auto& [name, _] : files_) add(name, FileType::kRegular);
  for (const auto& [name, _] : links_) add(name, FileType::kSymlink);
  for (const auto& [name, _] : dirs_) add(name, FileType::kDirectory);
  DirListing listing;
  for (const auto& [name, type] : children) {
    if (listing.entries.size() >= max_entries) {
      listing.truncated = true;
      break;
    }
    listing.entries.push_back(DirEntry{name, type});
  }
  return listing;
}

Result<FileInfo> FakeFileSystem::Stat(const std::string& path) const {
  FileInfo info;
  if (const auto it = files_.find(path); it != files_.end()) {
    info.type = FileType::kRegular;
    info.size = it->second.size();
    info.mode = 0644;
    return info;
  }
  if (IsDir(path)) {
    info.type = FileType::kDirectory;
    info.mode = 0755;
    return info;
  }
  return MakeError(ErrorKind::kNotFound, "no such file " + path);
}

Result<SpaceInfo> FakeFileSystem::Space(const std::string& path) const {
  // The longest configured prefix wins, as a mount would.
  const SpaceInfo* best = nullptr;
  std::size_t best_length = 0;
  for (const auto& [prefix, space] : spaces_) {
    if (path.rfind(prefix, 0) == 0 && prefix.size() >= best_length) {
      best = &space;
      best_length = prefix.size();
    }
  }
  if (best == nullptr) return MakeError(ErrorKind::kNotFound, "no space info for " + path);
  return *best;
}

Result<ProcessOutput> FakeProcessRunner::Run(const std::vector<std::string>& argv,
                                             std::chrono::milliseconds /*timeout*/,
                                             std::size_t /*max_output*/) {
  std::string line;
  for (const auto& arg : argv) {
    if (!line.empty()) line += ' ';
    line += arg;
  }
  std::lock_guard<std::mutex> lock(mutex_);
  calls_.push_back(line);
  const auto it = results_.find(line);
  if (it == results_.end()) return MakeError(ErrorKind::kNotFound, "no such program: " + line);
  return it->second;
}

}  // namespace preflight::testing

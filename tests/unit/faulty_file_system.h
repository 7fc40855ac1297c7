#pragma once

// A FileSystem decorator for tests: answers chosen paths with chosen errors (a process that exits
// mid-scan, EACCES under hidepid) and counts reads, delegating everything else.

#include <atomic>
#include <map>
#include <optional>
#include <string>

#include "platform/file_system.h"

namespace preflight::testing {

class FaultyFileSystem final : public FileSystem {
 public:
  explicit FaultyFileSystem(const FileSystem& inner) : inner_(inner) {}

  void Fail(const std::string& path, ErrorKind kind) { faults_[path] = kind; }

  Result<std::string> ReadFile(const std::string& path, std::size_t max_bytes) const override {
    ++reads_;
    if (path.find("/fdinfo/") != std::string::npos) ++fdinfo_reads_;
    if (auto e = Fault(path)) return *e;
    return inner_.ReadFile(path, max_bytes);
  }
  Result<std::string> ReadTail(const std::string& path, std::size_t max_bytes) const override {
    ++reads_;
    if (auto e = Fault(path)) return *e;
    return inner_.ReadTail(path, max_bytes);
  }
  Result<std::string> ReadLink(const std::string& path) const override {
    if (auto e = Fault(path)) return *e;
    return inner_.ReadLink(path);
  }
  Result<DirListing> ListDir(const std::string& path, std::size_t max_entries) const override {
    if (auto e = Fault(path)) return *e;
    return inner_.ListDir(path, max_entries);
  }
  Result<FileInfo> Stat(const std::string& path) const override {
    if (auto e = Fault(path)) return *e;
    return inner_.Stat(path);
  }
  Result<SpaceInfo> Space(const std::string& path) const override { return inner_.Space(path); }
  std::string HostPath(const std::string& path) const override { return inner_.HostPath(path); }
  bool IsLiveRoot() const override { return inner_.IsLiveRoot(); }

  int FdinfoReads() const { return fdinfo_reads_; }

 private:
  std::optional<Error> Fault(const std::string& path) const {
    const auto it = faults_.find(path);
    if (it == faults_.end()) return std::nullopt;
    return MakeError(it->second, "injected error for " + path);
  }

  const FileSystem& inner_;
  std::map<std::string, ErrorKind> faults_;
  mutable std::atomic<int> reads_{0};
  mutable std::atomic<int> fdinfo_reads_{0};
};

}  // namespace preflight::testing

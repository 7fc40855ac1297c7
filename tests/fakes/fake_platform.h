#pragma once

// Fakes for unit tests of logic. Integration tests use the real implementations.

#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "platform/environment.h"
#include "platform/file_system.h"
#include "platform/process_runner.h"
#include "platform/service_manager.h"
#include "platform/system_info.h"
#include "probes/check.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/fake_registry.h"

namespace preflight::testing {

// An in-memory tree: files by absolute path, symlinks by path, directories implied by both.
class FakeFileSystem final : public FileSystem {
 public:
  void AddFile(const std::string& path, std::string content) { files_[path] = std::move(content); }
  void AddLink(const std::string& path, std::string target) { links_[path] = std::move(target); }
  void AddDir(const std::string& path) { dirs_[path] = true; }
  void SetSpace(const std::string& path, SpaceInfo space) { spaces_[path] = space; }
  void SetLive(bool live) { live_ = live; }

  Result<std::string> ReadFile(const std::string& path, std::size_t max_bytes) const override;
  Result<std::string> ReadTail(const std::string& path, std::size_t max_bytes) const override;
  Result<std::string> ReadLink(const std::string& path) const override;
  Result<DirListing> ListDir(const std::string& path, std::size_t max_entries) const override;
  Result<FileInfo> Stat(const std::string& path) const override;
  Result<SpaceInfo> Space(const std::string& path) const override;
  std::string HostPath(const std::string& path) const override { return "fake:" + path; }
  bool IsLiveRoot() const override { return live_; }

 private:
  bool IsDir(const std::string& path) const;
  std::map<std::string, std::string> files_;
  std::map<std::string, std::string> links_;
  std::map<std::string, bool> dirs_;
  std::map<std::string, SpaceInfo> spaces_;
  bool live_ = true;
};

// Answers by the whole argv joined with spaces; records every call.
class FakeProcessRunner final : public ProcessRunner {
 public:
  void Expect(const std::string& command_line, Result<ProcessOutput> result) {
    results_.insert_or_assign(command_line, std::move(result));
  }
  Result<ProcessOutput> Run(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
                            std::size_t max_output) override;
  std::vector<std::string> calls() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return calls_;
  }

 private:
  mutable std::mutex mutex_;
  std::map<std::string, Result<ProcessOutput>> results_;
  std::vector<std::string> calls_;
};

class FakeEnvironment final : public Environment {
 public:
  void Set(const std::string& name, std::string value) { vars_[name] = std::move(value); }
  std::optional<std::string> Get(const std::string& name) const override {
    const auto it = vars_.find(name);
    if (it == vars_.end()) return std::nullopt;
    return it->second;
  }

 private:
  std::map<std::string, std::string> vars_;
};

class FakeServiceManager final : public ServiceManager {
 public:
  void SetAvailable(bool available) { available_ = available; }
  void SetState(const std::string& name, ServiceState state) { states_[name] = state; }
  bool Available() override { return available_; }
  Result<ServiceStatus> Query(const std::string& name) override {
    const auto it = states_.find(name);
    if (it == states_.end()) return ServiceStatus{ServiceState::kNotFound, "not-found"};
    return ServiceStatus{it->second, ServiceStateName(it->second)};
  }

 private:
  bool available_ = true;
  std::map<std::string, ServiceState> states_;
};

class FakeSystemInfo final : public SystemInfo {
 public:
  UnameInfo uname{"Linux", "testhost", "6.1.0-18-amd64", "x86_64"};
  std::optional<std::string> libc = "2.36";
  unsigned cpus = 2;
  bool privileged = true;

  Result<UnameInfo> Uname() const override { return uname; }
  std::optional<std::string> LibcVersion() const override { return libc; }
  unsigned OnlineCpus() const override { return cpus; }
  bool IsPrivileged() const override { return privileged; }
};

// One of each fake but the file system, and the parts of a Context over them. Every test world
// derives from it, adds a file system (the in-memory fake, a fixture tree, a real one) and builds
// its Context with MakeContext(Parts(...)), the way the agent's Session does.
struct FakePlatform {
  FakeProcessRunner processes;
  FakeEnvironment env;
  FakeServiceManager services;
  FakeSystemInfo system;
  FakeRegistry registry;
  FakeClock clock;
  HostFacts facts;

  // Offline, with 30 s to the deadline by `clock`; change any part before MakeContext.
  ContextParts Parts(const FileSystem& fs, bool live) {
    ContextParts parts;
    parts.fs = &fs;
    parts.processes = &processes;
    parts.env = &env;
    parts.services = &services;
    parts.system = &system;
    parts.registry = &registry;
    parts.facts = &facts;
    parts.clock = &clock;
    parts.live = live;
    parts.offline = true;
    parts.deadline = clock.SteadyNow() + std::chrono::seconds(30);
    return parts;
  }
};

// The fake platform over the in-memory file system.
struct FakeWorld : FakePlatform {
  using FakePlatform::Parts;
  FakeFileSystem fs;
  ContextParts Parts(bool live = true) { return FakePlatform::Parts(fs, live); }
  Context Ctx(bool live = true) { return MakeContext(Parts(live)); }
};

}  // namespace preflight::testing

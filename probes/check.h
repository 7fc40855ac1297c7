#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "platform/clock.h"
#include "probes/host_facts.h"

namespace preflight {

class FileSystem;
class ProcessRunner;
class Environment;
class ServiceManager;
class SystemInfo;
class Registry;
class ConnectionProber;
namespace azure {
struct CloudAccess;
}

enum class Status { kPass, kWarn, kFail, kSkip };

const char* StatusName(Status status);

struct CheckResult {
  Status status = Status::kSkip;
  std::string summary;      // one sentence: what was found
  std::string remediation;  // what to do about it; empty on pass
  nlohmann::json evidence = nlohmann::json::object();
  // Sections of the report this check fills, merged by the runner: an array value is appended to
  // the report's array of that name ("fanotify_users"), an object value is merge-patched into the
  // report's object of that name ("mde").
  nlohmann::json report = nlohmann::json::object();
};

// What network.mde takes from the agent's settings (README "Network endpoints"). The agent reads
// the override files, so a check sees their text, not the machine's paths.
struct NetworkSettings {
  std::string endpoints_path;  // a private endpoint list; empty: the built-in sets
  std::string endpoints_text;
  std::string roots_path;  // expected roots; empty: the built-in ones
  std::string roots_text;
  std::string geography;  // empty: the onboarding information's, else the built-in default
  std::chrono::milliseconds timeout{10'000};
};

// Everything a check may touch. All side effects go through these interfaces (STYLE.md, 3),
// the clock included. Built by MakeContext.
struct Context {
  const FileSystem& fs;
  ProcessRunner& processes;
  const Environment& env;
  ServiceManager& services;
  const SystemInfo& system;
  const Registry& registry;  // the running machine's, even under --root; kUnavailable off Windows
  HostFacts& facts;
  bool live = true;      // inspecting the running machine, not a --root tree
  bool offline = false;  // no network
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  // Azure: who the machine is and an ARM client (platform/azure/cloud.h); null when --offline or
  // before the cloud layer ran.
  const azure::CloudAccess* cloud = nullptr;
  const Clock& clock = SystemClock();
  // The HTTPS stage prober network.mde uses; null where the world has none (the check skips).
  const ConnectionProber* prober = nullptr;
  NetworkSettings network{};

  // Time left before the deadline by `clock`, never negative.
  std::chrono::milliseconds Remaining() const;
};

// What a Context is made of. The agent's Session and every test world fill one and call
// MakeContext, so a new part of Context is added here and in the owners that provide it, not in
// each place that builds one. The owner keeps every part alive as long as the Context.
struct ContextParts {
  const FileSystem* fs = nullptr;
  ProcessRunner* processes = nullptr;
  const Environment* env = nullptr;
  ServiceManager* services = nullptr;
  const SystemInfo* system = nullptr;
  const Registry* registry = nullptr;
  HostFacts* facts = nullptr;
  const Clock* clock = nullptr;  // the machine's (SystemClock()) when null
  bool live = true;
  bool offline = false;
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  const azure::CloudAccess* cloud = nullptr;
  const ConnectionProber* prober = nullptr;
  NetworkSettings network{};
};

// Throws std::invalid_argument naming the first missing part: a wiring mistake, which the first
// test or run that builds the Context shows.
Context MakeContext(const ContextParts& parts);

// A check never throws; the runner isolates it anyway. Its stable id ("linux.fanotify"), its title
// and the platforms it runs on are declared once, in agent/check_registry.cpp, which names every
// check it makes; a check constructed directly (a unit test) is unnamed until Name() is called.
class Check {
 public:
  virtual ~Check() = default;
  // Virtual so that a test double can name itself without the registry.
  virtual std::string_view Id() const { return id_; }
  virtual std::string_view Title() const { return title_; }
  virtual CheckResult Run(const Context& ctx) const = 0;

  // The registry's names are static, so the views outlive every check.
  void Name(std::string_view id, std::string_view title) {
    id_ = id;
    title_ = title;
  }

 private:
  std::string_view id_;
  std::string_view title_;
};

}  // namespace preflight

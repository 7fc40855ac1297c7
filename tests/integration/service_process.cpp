#include "tests/integration/service_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

extern char** environ;

namespace preflight::testing {
namespace {

// Variables that would point the agent at Azure, a proxy, a config or a service manager.
bool Scrubbed(const std::string& entry) {
  const std::string name = entry.substr(0, entry.find('='));
  for (const char* prefix : {"AZURE_", "IDENTITY_", "IMDS_", "MSI_", "MDE_PREFLIGHT_",
                             "NOTIFY_SOCKET", "WATCHDOG_", "JOURNAL_STREAM"}) {
    if (name.rfind(prefix, 0) == 0) return true;
  }
  std::string lower = name;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower.find("proxy") != std::string::npos;
}

}  // namespace

std::unique_ptr<ServiceProcess> ServiceProcess::Start(const std::string& config,
                                                      const std::vector<std::string>& env,
                                                      const std::string& stderr_path) {
  std::vector<std::string> entries;
  for (char** e = environ; *e != nullptr; ++e) {
    if (!Scrubbed(*e)) entries.emplace_back(*e);
  }
  // network.mde probes nothing unless the test names endpoints (tests/CMakeLists.txt).
  entries.emplace_back("MDE_PREFLIGHT_NETWORK_ENDPOINTS=" PREFLIGHT_NO_ENDPOINTS);
  entries.insert(entries.end(), env.begin(), env.end());
  std::vector<char*> envp;
  for (auto& entry : entries) envp.push_back(entry.data());
  envp.push_back(nullptr);
  std::string binary = PREFLIGHT_BINARY;
  std::string verb = "service";
  std::string flag = "--config";
  std::string file = config;
  char* argv[] = {binary.data(), verb.data(), flag.data(), file.data(), nullptr};
  const int err = ::open(stderr_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  const pid_t pid = ::fork();
  if (pid < 0) return nullptr;
  if (pid == 0) {
    if (err >= 0) ::dup2(err, STDERR_FILENO);
    ::execve(binary.c_str(), argv, envp.data());
    ::_exit(127);
  }
  if (err >= 0) ::close(err);
  return std::unique_ptr<ServiceProcess>(new ServiceProcess(pid));
}

ServiceProcess::~ServiceProcess() {
  if (reaped_) return;
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
}

void ServiceProcess::Signal(int sig) const {
  if (!reaped_) ::kill(pid_, sig);
}

std::optional<int> ServiceProcess::Wait(std::chrono::milliseconds timeout) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (!reaped_) {
    int status = 0;
    const pid_t done = ::waitpid(pid_, &status, WNOHANG);
    if (done == pid_) {
      reaped_ = true;
      return status;
    }
    if (std::chrono::steady_clock::now() >= until) return std::nullopt;
    SleepFor(std::chrono::milliseconds(5));
  }
  return std::nullopt;
}

ScratchDir::ScratchDir() {
  char templ[] = "/tmp/mde-preflight-service-XXXXXX";
  const char* made = ::mkdtemp(templ);
  path_ = made != nullptr ? made : "/tmp";
}

ScratchDir::~ScratchDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

void WriteWhole(const std::string& path, const std::string& text) {
  const std::string temp = path + ".writing";
  std::ofstream(temp) << text;
  std::filesystem::rename(temp, path);
}

std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

nlohmann::json ReadJson(const std::string& path) {
  std::ifstream in(path);
  if (!in) return nlohmann::json(nlohmann::json::value_t::discarded);
  return nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
}

void SleepFor(std::chrono::milliseconds duration) { std::this_thread::sleep_for(duration); }

}  // namespace preflight::testing

#include "tests/integration/azure_emulator_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>

#include "platform/http.h"

extern char** environ;

namespace preflight::testing {
namespace {

// Python starts in well under a second; a loaded CI machine gets ample slack.
constexpr auto kStartupTimeout = std::chrono::seconds(20);
// The ready line is a few hundred bytes.
constexpr std::size_t kMaxReadyLine = 64 * 1024;

}  // namespace

std::unique_ptr<AzureEmulator> AzureEmulator::Start(const std::string& scenario,
                                                    std::string& error) {
  int from_child[2];
  if (pipe2(from_child, O_CLOEXEC) != 0) {
    error = "pipe failed";
    return nullptr;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, from_child[1], STDOUT_FILENO);
  std::string python = PREFLIGHT_PYTHON;
  std::string script = std::string(PREFLIGHT_SOURCE_DIR) + "/tests/emulator/azure_emulator.py";
  std::string scenario_flag = "--scenario";
  std::string scenario_arg = scenario;
  std::string port_flag = "--port";
  std::string zero = "0";
  std::string himds_flag = "--himds-port";
  std::string zero2 = "0";
  char* argv[] = {python.data(),       script.data(),    scenario_flag.data(),
                  scenario_arg.data(), port_flag.data(), zero.data(),
                  himds_flag.data(),   zero2.data(),     nullptr};
  pid_t pid = -1;
  const int spawned = posix_spawn(&pid, python.c_str(), &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  close(from_child[1]);
  if (spawned != 0) {
    close(from_child[0]);
    error = "cannot start " + python;
    return nullptr;
  }
  std::string line;
  const auto give_up = std::chrono::steady_clock::now() + kStartupTimeout;
  while (line.find('\n') == std::string::npos && line.size() < kMaxReadyLine) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        give_up - std::chrono::steady_clock::now());
    pollfd fd{from_child[0], POLLIN, 0};
    if (left.count() <= 0 || poll(&fd, 1, static_cast<int>(left.count())) <= 0) break;
    char buffer[512];
    const ssize_t n = read(from_child[0], buffer, sizeof buffer);
    if (n <= 0) break;
    line.append(buffer, static_cast<std::size_t>(n));
  }
  close(from_child[0]);
  nlohmann::json info = nlohmann::json::parse(line.substr(0, line.find('\n')), nullptr, false);
  if (info.is_discarded() || !info.is_object() || !info.value("ready", false)) {
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    error = "the emulator did not report ready (got '" + line + "')";
    return nullptr;
  }
  return std::unique_ptr<AzureEmulator>(new AzureEmulator(pid, std::move(info)));
}

AzureEmulator::~AzureEmulator() {
  kill(pid_, SIGTERM);
  // A handler stuck in an injected hang may hold the emulator's shutdown; do not wait for it.
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (waitpid(pid_, nullptr, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() >= give_up) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
      return;
    }
    usleep(20'000);
  }
}

nlohmann::json AzureEmulator::Control(const std::string& method, const std::string& path,
                                      const std::string& body) {
  HttpRequest request;
  request.method = method;
  request.url = Endpoint("control") + "/" + path;
  request.proxy = HttpProxy::None();
  request.body = body;
  if (!body.empty()) request.headers = {{"Content-Type", "application/json"}};
  request.total_timeout = std::chrono::seconds(10);
  auto response = MakeHttpClient()->Send(request);
  if (!response.Ok() || response.Value().status != 200) return nullptr;
  return nlohmann::json::parse(response.Value().body, nullptr, false);
}

bool AzureEmulator::Use(const std::string& scenario) {
  const auto switched = Control("POST", "scenario", nlohmann::json{{"name", scenario}}.dump());
  return switched.is_object() && Control("DELETE", "log").is_object();
}

bool AzureEmulator::UseInline(const nlohmann::json& scenario) {
  const auto switched = Control("POST", "scenario", nlohmann::json{{"scenario", scenario}}.dump());
  return switched.is_object() && Control("DELETE", "log").is_object();
}

std::vector<nlohmann::json> AzureEmulator::Log() {
  const auto log = Control("GET", "log");
  std::vector<nlohmann::json> entries;
  if (log.is_object() && log.contains("entries")) {
    for (const auto& e : log["entries"]) entries.push_back(e);
  }
  return entries;
}

std::vector<std::string> AzureEmulator::Secrets() {
  const auto secrets = Control("GET", "secrets");
  std::vector<std::string> out;
  if (!secrets.is_object()) return out;
  for (const char* kind : {"tokens", "key_secrets"}) {
    for (const auto& s : secrets.value(kind, nlohmann::json::array())) {
      if (s.is_string()) out.push_back(s.get<std::string>());
    }
  }
  return out;
}

}  // namespace preflight::testing

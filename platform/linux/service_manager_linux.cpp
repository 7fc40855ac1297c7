#include <chrono>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>

#include "platform/linux/systemd_service_manager.h"
#include "platform/process_runner.h"
#include "platform/service_manager.h"
#include "platform/systemd_show.h"

namespace preflight {
namespace {

// sd_booted(3): systemd is the running init system exactly when this directory exists.
// https://www.freedesktop.org/software/systemd/man/latest/sd_booted.html
constexpr std::string_view kBootedMarker = "/run/systemd/system";
// Merged-/usr distributions have the first; older ones (RHEL 7, Debian 10) only the second.
constexpr std::string_view kSystemctlPaths[] = {"/usr/bin/systemctl", "/bin/systemctl"};
// systemctl waits up to 25 s for PID 1 (sd-bus BUS_DEFAULT_TIMEOUT, src/libsystemd/sd-bus/
// bus-internal.h); a healthy manager answers `show` in milliseconds, so 5 s allows a loaded host
// while a wedged PID 1 cannot hold the preflight for 25 s per query.
constexpr std::chrono::milliseconds kQueryTimeout{5000};
// Four short KEY=state lines are under 200 bytes; 4 KiB leaves room and bounds a misbehaving tool.
constexpr std::size_t kMaxOutput = 4096;
// How much of systemctl's stderr goes into an error message.
constexpr std::size_t kMaxErrorText = 200;

// The first line of a tool's message, printable ASCII only, so it is safe in a JSON report.
std::string FirstLine(std::string_view text) {
  std::string line;
  for (const char c : text.substr(0, text.find('\n'))) {
    if (line.size() >= kMaxErrorText) break;
    line += (c >= 0x20 && c < 0x7f) ? c : '?';
  }
  return line;
}

class SystemdServiceManager final : public ServiceManager {
 public:
  SystemdServiceManager(ProcessRunner& runner, std::string root)
      : runner_(runner), root_(std::move(root)) {
    while (!root_.empty() && root_.back() == '/') root_.pop_back();
  }

  bool Available() override { return Booted() && !Systemctl().empty(); }

  Result<ServiceStatus> Query(const std::string& name) override {
    if (!Booted()) {
      return MakeError(ErrorKind::kUnavailable, "systemd is not the running init system (no " +
                                                    std::string(kBootedMarker) +
                                                    "), so the state of service '" +
                                                    FirstLine(name) + "' cannot be queried");
    }
    const std::string systemctl = Systemctl();
    if (systemctl.empty()) {
      return MakeError(ErrorKind::kUnavailable,
                       "systemd runs but systemctl is in neither /usr/bin nor /bin");
    }
    const std::optional<std::string> unit = SystemdUnitName(name);
    if (!unit) {
      return MakeError(ErrorKind::kInvalid, "'" + FirstLine(name) + "' is not a systemd unit name");
    }
    // "--" ends the options: unit names may start with '-' ("-.mount", the root file system).
    Result<ProcessOutput> run = runner_.Run(
        {systemctl, "show", "--property=LoadState,ActiveState,SubState,UnitFileState", "--", *unit},
        kQueryTimeout, kMaxOutput);
    if (!run.Ok()) {
      return MakeError(run.Err().kind, "systemctl show " + *unit + ": " + run.Err().message);
    }
    const ProcessOutput& output = run.Value();
    if (output.exit_code != 0) {
      return MakeError(ErrorKind::kOther, "systemctl show " + *unit + " exited with code " +
                                              std::to_string(output.exit_code) + ": " +
                                              FirstLine(output.err));
    }
    if (output.truncated) {
      return MakeError(ErrorKind::kTooLarge, "systemctl show " + *unit + " printed more than " +
                                                 std::to_string(kMaxOutput) + " bytes");
    }
    const SystemctlShow show = ParseSystemctlShow(output.out);
    if (!show.ok) {
      return MakeError(ErrorKind::kOther,
                       "could not read systemctl show output for " + *unit + ": " + show.error);
    }
    return ServiceStatusFromShow(show);
  }

 private:
  bool Booted() const {
    std::error_code ec;
    return std::filesystem::is_directory(root_ + std::string(kBootedMarker), ec);
  }

  std::string Systemctl() const {
    for (const std::string_view path : kSystemctlPaths) {
      std::error_code ec;
      std::string host = root_ + std::string(path);
      if (std::filesystem::is_regular_file(host, ec)) return host;
    }
    return {};
  }

  ProcessRunner& runner_;
  std::string root_;
};

}  // namespace

std::unique_ptr<ServiceManager> MakeSystemdServiceManager(ProcessRunner& runner, std::string root) {
  return std::make_unique<SystemdServiceManager>(runner, std::move(root));
}

std::unique_ptr<ServiceManager> MakeServiceManager(ProcessRunner& runner) {
  return MakeSystemdServiceManager(runner, "");
}

}  // namespace preflight

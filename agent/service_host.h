#pragma once

// How `mde-preflight service` meets the platform's service manager. One body per platform
// (service_host_linux.cpp, service_host_windows.cpp), chosen by CMake, so app.cpp has no #ifdef.

#include <functional>
#include <optional>
#include <string>

namespace preflight {

// Runs `loop` (the service loop: check, write the report, wait for the interval or a stop) and
// returns the exit code. Linux: runs it directly (systemd starts the process and sends SIGTERM).
// Windows: hands the process to the service control manager (StartServiceCtrlDispatcher); when
// the process was not started by the SCM it runs `loop` as a console program instead.
int RunServiceHost(const std::function<int()>& loop);

// `mde-preflight service install [--config FILE]`: registers this executable as the service.
// `config_path` goes onto the service's command line. Returns the exit code; messages go to
// stdout / stderr.
int InstallService(const std::optional<std::string>& config_path);

// `mde-preflight service uninstall`: stops the service if it runs, then removes it.
int UninstallService();

}  // namespace preflight

#include <iostream>

#include "agent/app.h"
#include "agent/service_host.h"

namespace preflight {

// systemd starts the process itself and asks it to stop with SIGTERM (StopSignal), so the loop
// is the whole service.
int RunServiceHost(const std::function<int()>& loop) { return loop(); }

// On Linux the deb and rpm packages install the unit (installers/linux/mde-preflight.service) and
// their scripts enable it; registering it again from the binary would fight the package manager.
int InstallService(const std::optional<std::string>& /*config_path*/) {
  std::cerr
      << "mde-preflight: 'service install' is for Windows. On Linux the deb and rpm packages\n"
         "install the systemd unit mde-preflight.service; enable and start it with\n"
         "  systemctl enable --now mde-preflight.service\n"
         "(settings go in /etc/mde-preflight/config.json).\n";
  return kExitUsage;
}

int UninstallService() {
  std::cerr << "mde-preflight: 'service uninstall' is for Windows. On Linux stop and disable the\n"
               "systemd unit with\n"
               "  systemctl disable --now mde-preflight.service\n"
               "or remove the deb / rpm package.\n";
  return kExitUsage;
}

}  // namespace preflight

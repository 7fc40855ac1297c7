#include <gnu/libc-version.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "platform/system_info.h"

namespace preflight {
namespace {

class LinuxSystemInfo final : public SystemInfo {
 public:
  Result<UnameInfo> Uname() const override {
    struct utsname u {};
    if (::uname(&u) != 0) {
      return MakeError(ErrorKind::kOther, std::string("uname failed: ") + std::strerror(errno));
    }
    return UnameInfo{u.sysname, u.nodename, u.release, u.machine};
  }

  std::optional<std::string> LibcVersion() const override {
    const char* version = ::gnu_get_libc_version();
    if (version == nullptr) return std::nullopt;
    return std::string(version);
  }

  unsigned OnlineCpus() const override {
    const long n = ::sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? static_cast<unsigned>(n) : 0U;
  }

  bool IsPrivileged() const override { return ::geteuid() == 0; }
};

}  // namespace

std::unique_ptr<SystemInfo> MakeSystemInfo() { return std::make_unique<LinuxSystemInfo>(); }

}  // namespace preflight

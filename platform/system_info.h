#pragma once

#include <memory>
#include <optional>
#include <string>

#include "platform/result.h"

namespace preflight {

struct UnameInfo {
  std::string sysname;
  std::string nodename;
  std::string release;
  std::string machine;
};

// Facts only the running kernel or process can tell. Probes use these only when inspecting the
// live machine; under --root they read files instead.
class SystemInfo {
 public:
  virtual ~SystemInfo() = default;
  virtual Result<UnameInfo> Uname() const = 0;
  // "2.36"; nullopt when the C library does not say.
  virtual std::optional<std::string> LibcVersion() const = 0;
  virtual unsigned OnlineCpus() const = 0;
  virtual bool IsPrivileged() const = 0;  // root / elevated administrator
};

std::unique_ptr<SystemInfo> MakeSystemInfo();

}  // namespace preflight

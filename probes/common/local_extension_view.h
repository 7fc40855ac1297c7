#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace preflight {

// What the MDE extension left on this machine, in the terms the cloud-side azure.extension check
// compares with ARM. OS-neutral; made from the LocalExtension each OS reads
// (probes/common/local_extension.h, ViewOf).
struct LocalExtensionView {
  bool read = false;   // the extension folders could be read
  bool found = false;  // a handler directory exists
  std::string version;
  std::string status;  // "success", "error", "transitioning", "warning", "unknown"
  std::optional<std::int64_t> code;
  std::string message;
  std::string timestamp_utc;  // when the extension last wrote its status
  std::optional<int> installer_exit_code;
  std::string note;  // why it was not read
};

}  // namespace preflight

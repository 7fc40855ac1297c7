#include "platform/local_datagram.h"

namespace preflight {

// Windows has no notify socket and no journal: the service control manager and the Event Log
// take their place (agent/service_host_windows.cpp).
std::unique_ptr<LocalDatagram> LocalDatagram::Open(const std::string& /*address*/) {
  return nullptr;
}

std::optional<FileId> StderrFileId() { return std::nullopt; }

}  // namespace preflight

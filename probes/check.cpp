#include "probes/check.h"

#include <algorithm>
#include <stdexcept>

namespace preflight {

const char* StatusName(Status status) {
  switch (status) {
    case Status::kPass:
      return "pass";
    case Status::kWarn:
      return "warn";
    case Status::kFail:
      return "fail";
    case Status::kSkip:
      return "skip";
  }
  return "skip";
}

std::chrono::milliseconds Context::Remaining() const {
  const auto now = clock.SteadyNow();
  if (deadline <= now) return std::chrono::milliseconds(0);
  if (deadline == std::chrono::steady_clock::time_point::max()) {
    return std::chrono::milliseconds::max();
  }
  return std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now);
}

namespace {

template <class T>
T& Required(T* part, const char* name) {
  if (part == nullptr) throw std::invalid_argument(std::string("Context without ") + name);
  return *part;
}

}  // namespace

Context MakeContext(const ContextParts& parts) {
  Context ctx{Required(parts.fs, "a file system"),
              Required(parts.processes, "a process runner"),
              Required(parts.env, "an environment"),
              Required(parts.services, "a service manager"),
              Required(parts.system, "system information"),
              Required(parts.registry, "a registry"),
              Required(parts.facts, "host facts"),
              parts.live,
              parts.offline,
              parts.deadline,
              parts.cloud,
              parts.clock != nullptr ? *parts.clock : SystemClock(),
              parts.prober,
              parts.network};
  return ctx;
}

}  // namespace preflight

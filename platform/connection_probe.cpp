#include "platform/connection_probe.h"

namespace preflight {

const char* ProbeStageName(ProbeStage stage) {
  switch (stage) {
    case ProbeStage::kDns:
      return "dns";
    case ProbeStage::kConnect:
      return "connect";
    case ProbeStage::kProxy:
      return "proxy";
    case ProbeStage::kTls:
      return "tls";
    case ProbeStage::kHttp:
      return "http";
  }
  return "http";
}

}  // namespace preflight

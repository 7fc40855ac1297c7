#include "platform/azure/cloud.h"

namespace preflight::azure {

const char* EnvironmentKindName(EnvironmentKind kind) {
  switch (kind) {
    case EnvironmentKind::kAzureVm:
      return "azure_vm";
    case EnvironmentKind::kAzureArc:
      return "azure_arc";
    case EnvironmentKind::kOther:
      return "other";
  }
  return "other";
}

}  // namespace preflight::azure

#include "probes/common/classification.h"

namespace preflight {

const char* ClassificationName(Classification value) {
  switch (value) {
    case Classification::kMde:
      return "mde";
    case Classification::kAllowed:
      return "allowed";
    case Classification::kConflict:
      return "conflict";
    case Classification::kNotify:
      return "notify";
  }
  return "conflict";
}

}  // namespace preflight

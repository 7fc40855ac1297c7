#include "probes/common/facts.h"

namespace preflight {

// The MDE.Windows extension folder (C:\Packages\Plugins\...) is read by Windows'
// azure.extension.local when it lands (issue 4); until then the cloud checks say so.
LocalExtensionView ReadLocalExtensionView(const Context& /*ctx*/) {
  LocalExtensionView view;
  view.note = "the local MDE.Windows extension state is not read on Windows yet";
  return view;
}

}  // namespace preflight

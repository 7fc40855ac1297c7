#include "probes/common/facts.h"
#include "probes/linux/mde_extension_local.h"

namespace preflight {

LocalExtensionView ReadLocalExtensionView(const Context& ctx) {
  const LocalExtension ext = ReadLocalMdeExtension(ctx);
  LocalExtensionView view;
  view.read = true;
  view.found = ext.found;
  if (!ext.found) return view;
  view.version = ext.version;
  view.status = ext.status.status;
  view.code = ext.status.code;
  view.message = ext.status.message;
  view.timestamp_utc = ext.status.timestamp_utc;
  view.installer_exit_code = ext.installer.exit_code;
  return view;
}

}  // namespace preflight

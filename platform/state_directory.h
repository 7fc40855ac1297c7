#pragma once

#include <string>

#include "platform/result.h"

namespace preflight {

// Creates the service's state folder (and any missing parent) when it is missing; true when it
// was created. Linux: the folder itself gets mode 0750 (root and the admin group read the
// reports; nobody else lists them), set after mkdir so the umask cannot change it. Windows: the
// folder inherits the ACL of its parent (%ProgramData% grants Users read, SYSTEM and
// Administrators full control). A folder that exists is left as the admin or package made it.
Result<bool> CreateStateDirectory(const std::string& path);

}  // namespace preflight

#include <unistd.h>

#include "platform/terminal.h"

namespace preflight {

bool StdoutIsTerminal() { return ::isatty(STDOUT_FILENO) == 1; }

}  // namespace preflight

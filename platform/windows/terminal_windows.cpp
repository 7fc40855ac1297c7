#include <windows.h>

#include "platform/terminal.h"

namespace preflight {

// Colour is ANSI escapes, which a Windows console shows only with virtual terminal processing
// (Windows 10 1511 and later;
// https://learn.microsoft.com/windows/console/console-virtual-terminal-sequences). So "a terminal"
// here means a console that accepted that mode; a pipe, a file or an older console gets plain text.
bool StdoutIsTerminal() {
  HANDLE out = ::GetStdHandle(STD_OUTPUT_HANDLE);
  if (out == nullptr || out == INVALID_HANDLE_VALUE) return false;
  DWORD mode = 0;
  if (!::GetConsoleMode(out, &mode)) return false;
  if ((mode & ENABLE_VIRTUAL_TERMINAL_PROCESSING) != 0) return true;
  return ::SetConsoleMode(out, mode | ENABLE_VIRTUAL_TERMINAL_PROCESSING) != 0;
}

}  // namespace preflight

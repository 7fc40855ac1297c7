#pragma once

#include <cstdint>

namespace preflight {

// Ends the process at once with `code`, after flushing C stdio (std::cout included while it is
// synchronized with stdio, the default): no static destructors, no atexit handlers and, on
// Windows, no DLL detach code. For a process that still has a thread at work that it cannot stop
// (a check stuck past the run's deadline): a normal exit would destroy what that thread may
// still use, and Windows' ExitProcess first ends such threads wherever they are, holding a lock
// perhaps, then runs every DLL's detach code, which waits forever for that lock
// (https://learn.microsoft.com/windows/win32/api/processthreadsapi/nf-processthreadsapi-exitprocess,
// Remarks).
[[noreturn]] void ExitNow(int code);

// This process's id (getpid, GetCurrentProcessId).
std::int64_t OwnProcessId();

}  // namespace preflight

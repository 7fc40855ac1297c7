#include <windows.h>

#include <cstdio>
#include <cstdlib>

#include "platform/process_exit.h"

namespace preflight {

// TerminateProcess on the current process, not ExitProcess (which std::_Exit calls in the C
// runtime): "the DLLs that the process is attached to are not notified of the process
// termination" (https://learn.microsoft.com/windows/win32/api/processthreadsapi/
// nf-processthreadsapi-terminateprocess). Data already written to a pipe or file stays.
void ExitNow(int code) {
  std::fflush(nullptr);
  ::TerminateProcess(::GetCurrentProcess(), static_cast<UINT>(code));
  std::_Exit(code);  // not reached: the call ends this thread with the rest
}

std::int64_t OwnProcessId() { return ::GetCurrentProcessId(); }

}  // namespace preflight

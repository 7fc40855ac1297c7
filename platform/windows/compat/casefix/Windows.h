// Boost 1.81 includes <Windows.h>; mingw-w64's header is windows.h and Linux file systems are
// case-sensitive (reference/toolchain.md §2). On the include path only in that case
// (compat/boost_process_fixes.cmake).
#include <windows.h>

#pragma once

// Shared by the Windows implementations: RAII owners for Win32 handles, UTF-8 <-> UTF-16, and
// Win32 error codes as Error values.

#include <windows.h>

#include <memory>
#include <string>
#include <string_view>

#include "platform/result.h"

namespace preflight::win32 {

struct HandleCloser {
  void operator()(HANDLE handle) const { ::CloseHandle(handle); }
};
struct FindCloser {
  void operator()(HANDLE handle) const { ::FindClose(handle); }
};
struct KeyCloser {
  void operator()(HKEY key) const { ::RegCloseKey(key); }
};
struct ServiceHandleCloser {
  void operator()(SC_HANDLE handle) const { ::CloseServiceHandle(handle); }
};

// Construct only from a valid handle: the APIs disagree on whether nullptr or
// INVALID_HANDLE_VALUE means failure, so each call site checks its own.
using UniqueHandle = std::unique_ptr<void, HandleCloser>;
using UniqueFind = std::unique_ptr<void, FindCloser>;
using UniqueKey = std::unique_ptr<std::remove_pointer_t<HKEY>, KeyCloser>;
using UniqueServiceHandle = std::unique_ptr<std::remove_pointer_t<SC_HANDLE>, ServiceHandleCloser>;

// kInvalid when `text` is not UTF-8; `what` names it in the message.
Result<std::wstring> Wide(std::string_view text, std::string_view what);
// Unpaired surrogates become U+FFFD.
std::string Narrow(std::wstring_view text);

ErrorKind KindOfWin32Error(DWORD code);
// The system's text for `code` and the number: "Access is denied. (error 5)".
std::string Win32Message(DWORD code);
// what + ": " + the system's text, with the kind that fits the code.
Error Win32Error(const std::string& what, DWORD code);
// ::GetLastError() as an Error: what + subject + ": " + the system's text. Both arguments exist
// before the call (a literal, a built string), so no allocation can overwrite the last error
// before it is read.
Error LastError(std::string_view what, const std::string& subject);

}  // namespace preflight::win32

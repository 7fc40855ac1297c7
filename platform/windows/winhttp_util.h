#pragma once

// What the WinHTTP transports share: handle ownership, error wording and the TLS floor.

#include <windows.h>

#include <winhttp.h>

#include <memory>
#include <string>

namespace preflight {

struct InternetCloser {
  void operator()(HINTERNET handle) const { ::WinHttpCloseHandle(handle); }
};
using UniqueInternet = std::unique_ptr<void, InternetCloser>;

// WinHTTP's messages live in winhttp.dll, not in the system table; the common ones named.
std::string DescribeWinHttpError(DWORD code);

// TLS 1.2 or later only, as MDE itself requires (reference/windows.md, prerequisites).
void RequireModernTls(HINTERNET session);

}  // namespace preflight

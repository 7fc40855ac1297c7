#include <windows.h>

#include <algorithm>
#include <atomic>
#include <string>

#include "platform/atomic_file.h"
#include "platform/windows/win32_util.h"

namespace preflight {
namespace {

using win32::LastError;
using win32::UniqueHandle;
using win32::Win32Error;

// Enough tries to get past names left behind by crashed runs, never an endless loop.
constexpr int kMaxNameAttempts = 16;

// A name of our own next to the target, so the final move stays on one volume and is a rename.
std::wstring TempName(const std::wstring& path, int attempt) {
  static std::atomic<unsigned> counter{0};
  const std::wstring infix(kAtomicTempInfix.begin(), kAtomicTempInfix.end());  // ASCII
  return path + infix + std::to_wstring(::GetCurrentProcessId()) + L"." +
         std::to_wstring(counter.fetch_add(1)) + L"." + std::to_wstring(attempt);
}

}  // namespace

Result<Done> WriteFileAtomic(const std::string& path, std::string_view content) {
  auto wide = win32::Wide(path, "the path " + path);
  if (!wide.Ok()) return wide.Err();
  std::wstring target = std::move(wide).Value();
  for (wchar_t& c : target) {
    if (c == L'/') c = L'\\';
  }
  std::wstring temp;
  UniqueHandle file;
  for (int attempt = 0; attempt < kMaxNameAttempts && !file; ++attempt) {
    temp = TempName(target, attempt);
    // CREATE_NEW never opens someone else's file; the new file inherits the directory's ACL.
    HANDLE raw = ::CreateFileW(temp.c_str(), GENERIC_WRITE, 0, nullptr, CREATE_NEW,
                               FILE_ATTRIBUTE_NORMAL, nullptr);
    if (raw != INVALID_HANDLE_VALUE) {
      file.reset(raw);
    } else if (const DWORD error = ::GetLastError(); error != ERROR_FILE_EXISTS) {
      return Win32Error("cannot create a temporary file next to " + path, error);
    }
  }
  if (!file) return MakeError(ErrorKind::kOther, "no free temporary name next to " + path);
  const std::string temp_utf8 = win32::Narrow(temp);
  // Reads the last error first: closing and deleting would overwrite it.
  const auto fail = [&](std::string_view what) {
    const DWORD error = ::GetLastError();
    file.reset();
    ::DeleteFileW(temp.c_str());
    return Win32Error(std::string(what) + temp_utf8, error);
  };
  std::size_t written = 0;
  while (written < content.size()) {
    // WriteFile takes a DWORD count; 1 GiB pieces stay far below it.
    const DWORD piece =
        static_cast<DWORD>(std::min<std::size_t>(content.size() - written, 1U << 30));
    DWORD n = 0;
    if (!::WriteFile(file.get(), content.data() + written, piece, &n, nullptr)) {
      return fail("cannot write ");
    }
    written += n;
  }
  if (!::FlushFileBuffers(file.get())) return fail("cannot flush ");
  file.reset();
  // MOVEFILE_WRITE_THROUGH: return only once the rename is on disk
  // (https://learn.microsoft.com/windows/win32/api/winbase/nf-winbase-movefileexw).
  if (!::MoveFileExW(temp.c_str(), target.c_str(),
                     MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH)) {
    const DWORD error = ::GetLastError();
    ::DeleteFileW(temp.c_str());
    return Win32Error("cannot rename " + temp_utf8 + " to " + path, error);
  }
  return Done{};
}

}  // namespace preflight
